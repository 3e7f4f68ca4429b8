"""Changes -> the report: a readable list grouped by level, breaking, warnings, info (`text`), a
changelog section (`markdown`) or a document for tools (`json`), each change with the rule that
reports it and its place in the spec, and the version bump the whole suggests."""

from __future__ import annotations

import json
from collections.abc import Callable

from .locations import Location
from .rules import Change

Display = Callable[[Location], str]  # a location as the report shows it: `spec/paths/batch.yaml:12`


def bump(changes: list[Change]) -> str:
    """`major` when anything breaks, `minor` when something was added, `patch` for other changes."""
    if any(c.breaking for c in changes):
        return "major"
    if any(c.addition for c in changes):
        return "minor"
    return "patch" if changes else "none"


GROUPS = (("breaking", "Breaking changes"), ("warning", "Warnings"), ("info", "Info"))


def render(changes: list[Change], form: str, display: Display) -> str:
    if form == "json":
        document = {
            "bump": bump(changes),
            "breaking": [_entry(c, display) for c in changes if c.breaking],
            "non_breaking": [_entry(c, display) for c in changes if not c.breaking],
        }
        return json.dumps(document, indent=2) + "\n"
    groups = [(title, [c for c in changes if c.level == level]) for level, title in GROUPS]
    if form == "markdown":
        return _markdown(groups, bump(changes), display)
    return _text(groups, bump(changes), display)


def _entry(change: Change, display: Display) -> dict[str, object]:
    return {
        "subject": change.subject,
        "kind": change.kind,
        "level": change.level,
        "message": change.message,
        "location": display(change.location),
    }


def _text(groups: list[tuple[str, list[Change]]], suggested: str, display: Display) -> str:
    lines: list[str] = []
    for title, group in groups:
        if group:
            lines.append(f"{title} ({len(group)}):")
            lines.extend(f"  {c.subject}: {c.message}  [{c.kind}, {display(c.location)}]" for c in group)
            lines.append("")
    if not lines:
        lines = ["No change to the generated Python surface.", ""]
    lines.append(f"Suggested version bump: {suggested}")
    return "\n".join(lines) + "\n"


def _markdown(groups: list[tuple[str, list[Change]]], suggested: str, display: Display) -> str:
    lines = ["## API changes", "", f"Suggested version bump: **{suggested}**", ""]
    for title, group in groups:
        if group:
            lines += [f"### {title}", ""]
            lines += [f"- `{c.subject}`: {c.message} (`{c.kind}`, `{display(c.location)}`)" for c in group]
            lines.append("")
    if not any(group for _, group in groups):
        lines += ["No change to the generated Python surface.", ""]
    return "\n".join(lines)
