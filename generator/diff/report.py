"""Changes -> the report: a readable list grouped as breaking and non-breaking (`text`), a changelog
section (`markdown`) or a document for tools (`json`), each with the version bump it suggests."""

from __future__ import annotations

import json
from collections.abc import Callable

from .compare import Change
from .locations import Location

Display = Callable[[Location], str]  # a location as the report shows it: `spec/paths/batch.yaml:12`


def bump(changes: list[Change]) -> str:
    """`major` when anything breaks, `minor` when something was added, `patch` for other changes."""
    if any(c.breaking for c in changes):
        return "major"
    if any(c.addition for c in changes):
        return "minor"
    return "patch" if changes else "none"


def render(changes: list[Change], form: str, display: Display) -> str:
    breaking = [c for c in changes if c.breaking]
    other = [c for c in changes if not c.breaking]
    if form == "json":
        return (
            json.dumps(
                {
                    "bump": bump(changes),
                    "breaking": [_entry(c, display) for c in breaking],
                    "non_breaking": [_entry(c, display) for c in other],
                },
                indent=2,
            )
            + "\n"
        )
    if form == "markdown":
        return _markdown(breaking, other, bump(changes), display)
    return _text(breaking, other, bump(changes), display)


def _entry(change: Change, display: Display) -> dict[str, object]:
    return {
        "subject": change.subject,
        "kind": change.kind,
        "message": change.message,
        "location": display(change.location),
    }


def _text(breaking: list[Change], other: list[Change], suggested: str, display: Display) -> str:
    lines: list[str] = []
    for title, group in (("Breaking changes", breaking), ("Non-breaking changes", other)):
        if group:
            lines.append(f"{title} ({len(group)}):")
            lines.extend(f"  {c.subject}: {c.message}  [{display(c.location)}]" for c in group)
            lines.append("")
    if not lines:
        lines = ["No change to the generated Python surface.", ""]
    lines.append(f"Suggested version bump: {suggested}")
    return "\n".join(lines) + "\n"


def _markdown(breaking: list[Change], other: list[Change], suggested: str, display: Display) -> str:
    lines = ["## API changes", "", f"Suggested version bump: **{suggested}**", ""]
    for title, group in (("Breaking changes", breaking), ("Non-breaking changes", other)):
        if group:
            lines += [f"### {title}", ""]
            lines += [f"- `{c.subject}`: {c.message} (`{display(c.location)}`)" for c in group]
            lines.append("")
    if not breaking and not other:
        lines += ["No change to the generated Python surface.", ""]
    return "\n".join(lines)
