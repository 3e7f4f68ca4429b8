"""The changes beyond the signature: an operation newly deprecated, its required credentials, success
statuses, media types and own servers; a parameter's deprecation, default and constraints; the API's
default server. Levels (rules.py): what refuses a call that worked (a status, a media type or an
alternative of credentials gone, a constraint tightened) breaks; what may change behaviour without a
type error (a default, a server, a pattern) warns; the rest informs."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, Literal

from .rules import Change
from .surface import Method, Param, Surface

_LOWER_BOUNDS = ("minimum", "exclusiveMinimum", "minLength", "minItems")
_UPPER_BOUNDS = ("maximum", "exclusiveMaximum", "maxLength", "maxItems")
Direction = Literal["tightened", "loosened", "changed"]


def server_changes(old: Surface, new: Surface) -> Iterator[Change]:
    was, now = old.servers[:1], new.servers[:1]
    if was != now and new.servers_location is not None:
        message = f"the default server is now {_urls(now)} (was {_urls(was)})"
        yield Change("client", "server-changed", message, False, False, new.servers_location)


def method_promises(before: Method, after: Method) -> Iterator[Change]:
    subject, there = after.qualified, after.location
    if after.deprecated and not before.deprecated:
        yield Change(subject, "method-deprecated", "method deprecated", False, True, there)
    yield from _security(before, after)
    old, new = before.promise, after.promise
    for status in old.success:
        if status not in new.success:
            message = f"success status {status} no longer declared"
            yield Change(subject, "success-status-removed", message, True, False, before.location)
    for status in new.success:
        if status not in old.success:
            yield Change(subject, "success-status-added", f"success status {status} declared", False, True, there)
    sides = (("request", old.request_media, new.request_media), ("response", old.response_media, new.response_media))
    for side, was, now in sides:
        what = "the request body" if side == "request" else "a success response"
        verb = "takes" if side == "request" else "answers"
        for media in was:
            if media not in now:
                message = f"{what} no longer {verb} `{media}`"
                yield Change(subject, f"{side}-media-type-removed", message, True, False, before.location)
        for media in now:
            if media not in was:
                message = f"{what} also {verb} `{media}`"
                yield Change(subject, f"{side}-media-type-added", message, False, True, there)
    if old.servers != new.servers:
        message = f"sent to {_servers(new.servers)} (was {_servers(old.servers)})"
        yield Change(subject, "server-changed", message, False, False, there)


def _urls(urls: tuple[str, ...]) -> str:
    return " or ".join(f"`{url}`" for url in urls) if urls else "none"


def _servers(urls: tuple[str, ...]) -> str:
    return f"its own server {_urls(urls)}" if urls else "the client's base URL"


def _security(before: Method, after: Method) -> Iterator[Change]:
    was, now = before.security or frozenset(), after.security or frozenset()
    if was == now:
        return
    anonymous = not now or frozenset() in now
    breaking = not anonymous and not was <= now
    message = f"requires {_credentials(now)} (was {_credentials(was)})"
    there = after.security_location or after.location
    yield Change(after.qualified, "security-changed", message, breaking, False, there)


def _credentials(required: frozenset[frozenset[str]]) -> str:
    if not required:
        return "no credentials"
    shown = sorted(" and ".join(f"`{s}`" for s in sorted(option)) or "no credentials" for option in required)
    return " or ".join(shown)


def param_promises(subject: str, was: Param, now: Param, *, same_type: bool) -> Iterator[Change]:
    name, there = now.name, now.location
    if now.deprecated and not was.deprecated:
        yield Change(subject, "parameter-deprecated", f"parameter `{name}` deprecated", False, True, there)
    old, new = was.rules, now.rules
    if old.default != new.default:
        if old.default is None or new.default is None:
            state = f"default {new.default} added" if old.default is None else f"default {old.default} removed"
        else:
            state = f"default is now {new.default} (was {old.default})"
        yield Change(subject, "default-changed", f"parameter `{name}`: {state}", False, False, there)
    before, after = old.by_keyword, new.by_keyword
    for keyword in dict.fromkeys([*before, *after]):
        if before.get(keyword) == after.get(keyword):
            continue
        if keyword == "enum" and not same_type:
            continue  # the annotation's change (a Literal narrowed) says it already
        direction = _direction(keyword, before.get(keyword), after.get(keyword))
        state = _constraint(keyword, before.get(keyword), after.get(keyword))
        message = f"parameter `{name}`: {state}"
        yield Change(subject, f"constraint-{direction}", message, direction == "tightened", False, there)


def _constraint(keyword: str, was: Any, now: Any) -> str:
    if keyword == "enum":
        gone = [v for v in was or () if v not in (now or ())]
        new = [v for v in now or () if v not in (was or ())]
        parts = [f"no longer allows {_values(gone)}"] * bool(gone) + [f"now allows {_values(new)}"] * bool(new)
        return "enum " + " and ".join(parts)
    if was is None:
        return f"{keyword} {json.dumps(now)} added"
    if now is None:
        return f"{keyword} {json.dumps(was)} removed"
    return f"{keyword} is now {json.dumps(now)} (was {json.dumps(was)})"


def _values(values: list[Any]) -> str:
    return ", ".join(json.dumps(v) for v in values)


def _direction(keyword: str, was: Any, now: Any) -> Direction:
    """Whether the new constraint refuses values the old one took (tightened), takes values it refused
    (loosened), or neither can be said (changed)."""
    if was is None:
        return "tightened"
    if now is None:
        return "loosened"
    if keyword == "enum":
        if not isinstance(was, list) or not isinstance(now, list):
            return "changed"
        return "tightened" if any(v not in now for v in was) else "loosened"
    numbers = all(isinstance(v, int | float) and not isinstance(v, bool) for v in (was, now))
    if keyword in _LOWER_BOUNDS and numbers:
        return "tightened" if now > was else "loosened"
    if keyword in _UPPER_BOUNDS and numbers:
        return "tightened" if now < was else "loosened"
    if keyword == "multipleOf" and numbers and was and now:
        if (now / was).is_integer():
            return "tightened"
        if (was / now).is_integer():
            return "loosened"
    return "changed"
