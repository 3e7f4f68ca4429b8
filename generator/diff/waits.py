"""The waits (`x-poll`) of two surfaces' methods -> their changes. A wait is a method of its own to a
caller (`client.beta.batch.wait`): one removed or renamed breaks them; one added is an addition. A wait
that compares another field or other values still type-checks but may end otherwise (a warning); a
changed default pace (interval, backoff, bound, timeout) is informed, the caller's own values winning."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from .rules import Change
from .surface import Method, WaitMethod


def waits_gone(method: Method) -> Iterator[Change]:
    """The waits of a method removed: each is a method gone too."""
    for wait in method.waits.values():
        yield Change(_qualified(method, wait), "wait-removed", "wait method removed", True, False, wait.location)


def waits_added(method: Method) -> Iterator[Change]:
    for wait in method.waits.values():
        message = f"wait method added (polls `{method.name}` until {wait.compares})"
        yield Change(_qualified(method, wait), "wait-added", message, False, True, wait.location)


def wait_changes(before: Method, after: Method) -> Iterator[Change]:
    """The waits of a method kept (perhaps renamed): each removed, renamed, added or changed."""
    gone = [w for name, w in before.waits.items() if name not in after.waits]
    new = [w for name, w in after.waits.items() if name not in before.waits]
    pairs = [(w, after.waits[name]) for name, w in before.waits.items() if name in after.waits]
    for wait in list(gone):
        # Renamed: the one new wait comparing the same, else the only one gone for the only one new.
        same = [w for w in new if w.compares == wait.compares]
        partner = same[0] if len(same) == 1 else new[0] if len(gone) == len(new) == 1 else None
        if partner is None:
            continue
        gone.remove(wait)
        new.remove(partner)
        message = f"wait method renamed to `{_qualified(after, partner)}`"
        yield Change(_qualified(before, wait), "wait-renamed", message, True, False, partner.location)
        pairs.append((wait, partner))
    yield from waits_gone(replace(before, waits={w.name: w for w in gone}))
    yield from waits_added(replace(after, waits={w.name: w for w in new}))
    for was, now in pairs:
        subject = _qualified(after, now)
        if was.compares != now.compares:
            message = f"now waits until {now.compares} (was: until {was.compares})"
            yield Change(subject, "wait-changed", message, False, False, now.location)
        for key, value in was.defaults.items():
            if now.defaults.get(key) != value:
                message = f"default {key} is now {now.defaults.get(key)} (was {value})"
                yield Change(subject, "wait-default-changed", message, False, False, now.location)


def _qualified(method: Method, wait: WaitMethod) -> str:
    return f"{method.resource}.{wait.name}"
