"""How each `x-pagination` style finds the next page: takes a page's parsed body, the call that fetched it
and its response, and gives what the page says of the listing (`PageFacts`) and the call of the next
page, or None where the listing ends."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

import httpx

from ._link_header import link_target
from ._operation import Call, PageSpec
from ._types import NotGiven, Omit


class PageFacts(NamedTuple):
    """What one page says of the listing, read once from its body and response."""

    call: Call  # the call that fetched the page
    size: int  # its number of items
    position: int | None  # the listing's number of items before this page, when known
    token: Any  # the next page's token (offset, cursor)
    url: str | None  # the next page's absolute URL (next-url, link-header)
    current_url: str  # the URL the page was fetched from
    total: int | None  # items of the whole listing
    total_pages: int | None
    last: bool  # the page says it is the last one (`has_more: false`, `is_last: true`)


def read_path(value: Any, path: tuple[str, ...]) -> Any:
    """The value at a JSON path (wire names) of a parsed body: models, mappings, or None on the way."""
    for key in path:
        attribute = _ATTRIBUTES.get((type(value), key))  # a model's attribute, found before: the usual case
        if attribute is not None:
            value = getattr(value, attribute, None)
        elif value is None:
            return None
        elif isinstance(value, Mapping):
            value = value.get(key)
        else:
            value = getattr(value, _attribute(type(value), key), None)
    return value


_ATTRIBUTES: dict[tuple[type, str], str] = {}  # (model class, JSON property) -> attribute, as found


def _attribute(cls: type, key: str) -> str:
    """The attribute of a model class holding the JSON property `key` (its alias may differ)."""
    found = _ATTRIBUTES.get((cls, key))
    if found is None:
        fields: Mapping[str, Any] = getattr(cls, "model_fields", {})
        aliased = (name for name, info in fields.items() if key in (info.alias, info.validation_alias))
        # Else an attribute of that very name: a field without an alias, or an extra property.
        found = next(aliased, key)
        _ATTRIBUTES[(cls, key)] = found
    return found


def item_list(data: Any, path: tuple[str, ...]) -> list[Any]:
    """The page's items; a root model's list when the body is the list itself."""
    value = read_path(data, path)
    if not isinstance(value, list):
        value = getattr(value, "root", None)
    return list(value) if isinstance(value, list) else []


def read_facts(spec: PageSpec, data: Any, call: Call, items: list[Any], response: httpx.Response) -> PageFacts:
    """What the page of `items` says, from its parsed body and (for links) its response."""
    token = url = None
    current_url = ""
    position: int | None = None
    size = len(items)
    if spec.item_token:  # the cursor is the last item's id (the first one's, paging backwards)
        token = read_path(items[0] if backward(spec, call) else items[-1], spec.item_token) if items else None
    elif spec.style == "offset" or spec.style == "cursor":
        token = read_path(data, spec.next) if spec.next else None
    if spec.style == "offset" or spec.offset_param:
        position = _query_int(call, spec.offset_param or spec.param) or 0
    elif spec.style == "page":
        page_size = _query_int(call, spec.limit_param) or size
        position = (_page_number(spec, call) - spec.first_page) * page_size
    else:
        request_url = response.request.url
        current_url = str(request_url)
        if spec.style == "next-url":
            found = read_path(data, spec.next)
            url = str(request_url.join(found)) if isinstance(found, str) and found else None
        else:
            url = link_target(response.headers.get_list("link"), "next", request_url)
    return PageFacts(
        call,
        size,
        position,
        None if token == "" else token,
        url,
        current_url,
        _count(read_path(data, spec.total)) if spec.total else None,
        _count(read_path(data, spec.total_pages)) if spec.total_pages else None,
        (bool(spec.has_more) and read_path(data, spec.has_more) is False)
        or (bool(spec.is_last) and read_path(data, spec.is_last) is True),
    )


def backward(spec: PageSpec, call: Call) -> bool:
    """Whether the listing pages the other way: the caller gave the reverse cursor (`before`) and
    not the forward one."""
    if spec.reverse_param is None or not _given(call.query.get(spec.reverse_param)):
        return False
    return spec.param is None or not _given(call.query.get(spec.param))


def _given(value: Any) -> bool:
    return value is not None and not isinstance(value, Omit | NotGiven)


def next_call(spec: PageSpec, facts: PageFacts) -> Call | None:
    """The call of the page after this one; None when the listing ends there. An empty page always
    ends it, whatever else the server says, and so does a page saying it is the last one (no request
    is made to find out)."""
    if not facts.size or facts.last:
        return None
    return _STYLES[spec.style](spec, facts)


def _offset(spec: PageSpec, facts: PageFacts) -> Call | None:
    """More pages while the server sends a next-page token or a total not reached yet; with neither
    declared, until an empty page. Only the offset changes: filters and page size go with every page."""
    offset = (facts.position or 0) + facts.size
    if facts.token:
        more = True
    elif spec.total and facts.total is not None:
        more = offset < facts.total
    else:
        more = not spec.next and not spec.total
    return facts.call.with_query(**{str(spec.param): offset}) if more else None


def _cursor(spec: PageSpec, facts: PageFacts) -> Call | None:
    """The token goes back as the parameter (or body field); a missing token, or the one just sent
    again, ends the listing."""
    token, call = facts.token, facts.call
    name = spec.reverse_param if backward(spec, call) else spec.param
    if token is None and spec.offset_param and facts.total is not None:
        # No token: a server paging by offset this time (Box without `usemarker`), below its total.
        offset = (facts.position or 0) + facts.size
        return call.with_query(**{spec.offset_param: offset}) if offset < facts.total else None
    if token is None or name is None:
        return None
    if spec.in_body:
        extra = call.extra_body if isinstance(call.extra_body, Mapping) else {}
        sent = extra.get(name, read_path(call.json, (name,)))
        return None if sent == token else call._replace(extra_body={**extra, name: token})
    if call.query.get(name) == token:
        return None
    return call.with_query(**{name: token})


def _page(spec: PageSpec, facts: PageFacts) -> Call | None:
    """The page number goes up by one, until the total pages or the total items are reached."""
    number = _page_number(spec, facts.call)
    if facts.total_pages is not None and number - spec.first_page + 1 >= facts.total_pages:
        return None
    if facts.total is not None and facts.position is not None and facts.position + facts.size >= facts.total:
        return None
    return facts.call.with_query(**{str(spec.param): number + 1})


def _link(spec: PageSpec, facts: PageFacts) -> Call | None:
    """The next URL is requested as it is (it carries the filters); a URL pointing back at this very
    page ends the listing."""
    if facts.url is None or facts.url == facts.current_url:
        return None
    return facts.call._replace(url=facts.url)


def _single(spec: PageSpec, facts: PageFacts) -> Call | None:
    """The page is the whole listing."""
    return None


_STYLES: dict[str, Callable[[PageSpec, PageFacts], Call | None]] = {
    "offset": _offset,
    "cursor": _cursor,
    "page": _page,
    "next-url": _link,
    "link-header": _link,
    "single": _single,
}


def _query_int(call: Call, name: str | None) -> int | None:
    value = call.query.get(name) if name else None
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _page_number(spec: PageSpec, call: Call) -> int:
    number = _query_int(call, spec.param)
    return spec.first_page if number is None else number


def _count(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return int(value)


__all__ = ["PageFacts", "backward", "item_list", "next_call", "read_facts", "read_path"]
