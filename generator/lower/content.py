"""A `content` map -> its media types, each with its media type object. Takes a request body's,
response's or parameter's `content`; gives the entries that are media types.

A key that is no media type is not one (`schema:` beside `application/json:`, a slip of indentation):
it is reported once, with a warning. When the map's only media type is empty and the stray keys
are fields of a media type object, they are read as that media type's, which is what was meant.
"""

from __future__ import annotations

import re
from typing import Any

from ..errors import Origin
from .context import LowerContext

MEDIA_TYPE = re.compile(r"[\w!#$&^.+*-]+/[\w!#$&^.+*-]+\s*(;.*)?", re.ASCII)
MEDIA_FIELDS = frozenset(
    {"schema", "example", "examples", "encoding", "itemSchema", "prefixEncoding", "itemEncoding", "description"}
)


def media_types(ctx: LowerContext, content: dict[Any, Any], where: Origin) -> dict[str, Any]:
    """The media type entries of `content` (the same object each time it is asked for)."""
    stray = [str(key) for key in content if not MEDIA_TYPE.fullmatch(str(key))]
    if not stray:
        return {str(k): v for k, v in content.items()}
    found = {str(k): v for k, v in content.items() if MEDIA_TYPE.fullmatch(str(k))}
    empty = [k for k, v in found.items() if v is None or v == {}]
    adopt = len(found) == 1 and len(empty) == 1 and all(key in MEDIA_FIELDS for key in stray)
    if adopt:
        found[empty[0]] = {key: content[key] for key in stray}
    if id(content) not in ctx.reported:
        ctx.reported.add(id(content))
        at = ctx.origin(content, where)
        for key in stray:
            if adopt:
                message = f"`{key}` stands beside `{empty[0]}` in `content`; read as the media type's `{key}`"
                hint = f"indent `{key}` under `{empty[0]}:`"
            elif key in MEDIA_FIELDS:
                message = f"`{key}` stands in `content`, where media types go; not read"
                hint = f"put `{key}` under a media type, e.g. `application/json:`"
            else:
                message = f"`{key}` is not a media type; not read"
                hint = "use a media type such as `application/json`"
            ctx.problems.warning(message, at.child(key), hint)
    return found
