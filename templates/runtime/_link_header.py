"""RFC 8288 `Link` headers: takes the header's values and the URL of the request they answer, and gives
the target of the link with a wanted relation (`next`), resolved to an absolute URL."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import httpx

_SPACE = " \t"
_TOKEN_END = frozenset(' \t=;,"')


def link_target(values: Iterable[str], relation: str, base: httpx.URL) -> str | None:
    """The first link whose `rel` holds `relation` (case-insensitive, among space-separated relation
    types), resolved against `base`; None when there is none. Malformed links are skipped."""
    wanted = relation.lower()
    for value in values:
        for target, params in _links(value):
            if wanted in params.get("rel", "").lower().split():
                return str(base.join(target))
    return None


def _links(text: str) -> Iterator[tuple[str, dict[str, str]]]:
    """(target, parameters) of each link-value of one header value: `<uri>; name=value; name="va,lue"`.
    Only the first occurrence of a parameter counts (RFC 8288, 3.3)."""
    at, end = 0, len(text)
    while at < end:
        at = _skip(text, at, _SPACE + ",")
        if at >= end:
            return
        if text[at] != "<":
            at = _after_link(text, at)  # not a link: skip to the next one
            continue
        close = text.find(">", at)
        if close < 0:
            return
        target, at = text[at + 1 : close].strip(), close + 1
        params: dict[str, str] = {}
        while True:
            at = _skip(text, at, _SPACE)
            if at >= end or text[at] != ";":
                break
            at = _skip(text, at + 1, _SPACE)
            start = at
            while at < end and text[at] not in _TOKEN_END:
                at += 1
            name, value = text[start:at].lower(), ""
            at = _skip(text, at, _SPACE)
            if at < end and text[at] == "=":
                value, at = _value(text, _skip(text, at + 1, _SPACE))
            if name:
                params.setdefault(name, value)
        yield target, params
        at = _after_link(text, at)


def _value(text: str, at: int) -> tuple[str, int]:
    """A token or a quoted string (backslash escapes undone) starting at `at`, and where it ends."""
    if at < len(text) and text[at] == '"':
        chars: list[str] = []
        at += 1
        while at < len(text) and text[at] != '"':
            if text[at] == "\\" and at + 1 < len(text):
                at += 1
            chars.append(text[at])
            at += 1
        return "".join(chars), at + 1
    start = at
    while at < len(text) and text[at] not in _TOKEN_END:
        at += 1
    return text[start:at], at


def _skip(text: str, at: int, chars: str) -> int:
    while at < len(text) and text[at] in chars:
        at += 1
    return at


def _after_link(text: str, at: int) -> int:
    """The position after the next comma outside a quoted string and outside `<...>`."""
    quoted = bracketed = False
    while at < len(text):
        char = text[at]
        if quoted:
            if char == "\\":
                at += 1
            elif char == '"':
                quoted = False
        elif char == '"':
            quoted = True
        elif char == "<":
            bracketed = True
        elif char == ">":
            bracketed = False
        elif char == "," and not bracketed:
            return at + 1
        at += 1
    return at


__all__ = ["link_target"]
