"""IR pagination -> the sentence of the reference pages saying how a list follows its pages."""

from __future__ import annotations

from ..ir import Pagination
from .text import code


def paging_summary(pagination: Pagination) -> str:
    """`offset `offset`, page size `limit``: what each page sends or reads, in Markdown."""
    p = pagination
    where = "in the body" if p.param_in == "body" else "in the query"
    parts = {
        "offset": f"offset {code(p.param or '')}",
        "cursor": f"cursor {code('.'.join(p.next))} sent back as {code(p.param or '')} {where}"
        if not p.item_token
        else f"the last item's {code('.'.join(p.item_token))} sent back as {code(p.param or '')} {where}"
        + (f" (the first item's as {code(p.reverse_param)}, the other way)" if p.reverse_param else ""),
        "page": f"page number {code(p.param or '')} from {p.first_page}",
        "next-url": f"the next page's URL at {code('.'.join(p.next))}",
        "link-header": 'the `rel="next"` link of the `Link` header',
        "single": "one page, the whole listing",
    }[p.style]
    if p.limit_param:
        parts += f", page size {code(p.limit_param)}"
    if p.items:
        parts += f", items at {code('.'.join(p.items))}"
    if p.has_more:
        parts += f", the last page at {code('.'.join(p.has_more) + ': false')}"
    if p.is_last:
        parts += f", the last page at {code('.'.join(p.is_last) + ': true')}"
    return parts
