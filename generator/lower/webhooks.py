"""The spec's `webhooks` (OpenAPI 3.1+; `x-webhooks` in a 3.0 document) -> `Webhooks`: each event's
payload as a model (inline payloads hoisted and named after the event), its constant tag, and a
union of every payload (discriminated by the tag where each event has its own) added to the schemas."""

from __future__ import annotations

from typing import Any

from ..ir import WebhookEvent, Webhooks
from ..naming import pascal
from ..resolver import SCHEMA_PREFIX, UNRESOLVED
from .content import media_types
from .context import LowerContext
from .settings import ClientSettingsReader
from .typemap import ref_name

_METHODS = ("post", "put", "patch", "get", "delete")


def webhook_events(ctx: LowerContext, client: ClientSettingsReader, taken: frozenset[str]) -> Webhooks | None:
    """The API's webhooks; `taken` are the client's attribute names (its top-level resources)."""
    key = "webhooks" if isinstance(ctx.doc.get("webhooks"), dict) and ctx.version >= (3, 1) else "x-webhooks"
    hooks = ctx.doc.get(key)
    if not isinstance(hooks, dict) or not hooks:
        return None
    where = ctx.origin(hooks, ctx.top.child(key))
    events: list[WebhookEvent] = []
    tag_property = "type"
    for name, item in hooks.items():
        at = where.child(str(name))
        operation = _operation(item)
        if operation is None:
            ctx.problems.warning(
                f"webhook {name!r} has no operation with a request body: no event model for it",
                ctx.origin(item, at),
                "describe its payload: `post: {requestBody: {content: {application/json: {schema: ...}}}}`",
            )
            continue
        method, op = operation
        content = op["requestBody"].get("content")
        content = media_types(ctx, content, at.child(method, "requestBody", "content"))
        media = next((m for t, m in content.items() if "json" in str(t)), None) if isinstance(content, dict) else None
        schema = media.get("schema") if isinstance(media, dict) else None
        if not isinstance(schema, dict):
            ctx.problems.warning(
                f"webhook {name!r} has no JSON payload schema: no event model for it",
                ctx.origin(item, at),
                "give its request body `application/json` content with a `schema`",
            )
            continue
        schema_at = at.child(method, "requestBody", "content", "application/json", "schema")
        payload = ctx.local_schema(schema, pascal(str(name)) + "Event", schema_at)
        model = ref_name(payload) if isinstance(payload, dict) else None
        if model is None:
            ctx.problems.warning(
                f"webhook {name!r} has a payload that is no object: no event model for it",
                ctx.origin(schema, schema_at),
                "make its payload schema an object (or a `$ref` to one)",
            )
            continue
        declared = ctx.schemas.get(model, {}).get("discriminator") if isinstance(ctx.schemas.get(model), dict) else None
        if isinstance(declared, dict) and isinstance(declared.get("propertyName"), str):
            tag_property = declared["propertyName"]
        summary = str(op.get("summary") or op.get("description") or "").strip().split("\n")[0]
        events.append(WebhookEvent(str(name), model, None, summary, op.get("deprecated") is True))
    if not events:
        return None
    events = [_tagged(ctx.schemas, e, tag_property) for e in events]
    tags = [e.tag for e in events]
    if None in tags or len(set(tags)) != len(tags):  # no tag tells every event apart: matched by shape
        events = [WebhookEvent(e.name, e.model, None, e.summary, e.deprecated) for e in events]
    union = ctx.normalizer.free_name("WebhookEvent")
    ctx.schemas[union] = _union(events, tag_property)
    secret_env = f"{client.env_prefix}_WEBHOOK_SECRET"
    attr = "webhook_events" if "webhooks" in taken else "webhooks"
    return Webhooks(union, tag_property, tuple(events), secret_env, key, attr)


def _operation(item: Any) -> tuple[str, dict[str, Any]] | None:
    if not isinstance(item, dict) or UNRESOLVED in item:
        return None
    for method in _METHODS:
        op = item.get(method)
        if isinstance(op, dict) and isinstance(op.get("requestBody"), dict):
            return method, op
    return None


def _tagged(schemas: dict[str, Any], event: WebhookEvent, tag_property: str) -> WebhookEvent:
    """The event with the constant its payload's tag property holds (`const`, or a one-value `enum`)."""
    schema = schemas.get(event.model)
    properties = schema.get("properties") if isinstance(schema, dict) else None
    tag = properties.get(tag_property) if isinstance(properties, dict) else None
    value: Any = None
    if isinstance(tag, dict):
        if isinstance(tag.get("const"), str):
            value = tag["const"]
        elif isinstance(tag.get("enum"), list) and len(tag["enum"]) == 1 and isinstance(tag["enum"][0], str):
            value = tag["enum"][0]
    return WebhookEvent(event.name, event.model, value, event.summary, event.deprecated)


def _union(events: list[WebhookEvent], tag_property: str) -> dict[str, Any]:
    refs = [{"$ref": SCHEMA_PREFIX + e.model} for e in dict((e.model, e) for e in events).values()]
    if len(refs) == 1:
        return {"description": "The event the API sends.", **refs[0]}
    schema: dict[str, Any] = {"description": "Any event the API sends.", "oneOf": refs}
    if all(e.tag is not None for e in events):
        mapping = {str(e.tag): SCHEMA_PREFIX + e.model for e in events}
        schema["discriminator"] = {"propertyName": tag_property, "mapping": mapping}
    return schema
