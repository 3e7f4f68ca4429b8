"""Two surfaces (before, after) -> the changes a caller of the package meets, each breaking or not,
with the place in the spec that causes it (in the old spec for what is gone, else in the new one).

What breaks (README, "Breaking changes"): anything removed or renamed; a parameter, or a field of a
model a caller passes, that becomes required, or whose type narrows; a field of a model a caller
reads that goes, becomes optional or whose type widens (`None` included); a return type that widens
or changes; an enum member removed; an error status whose body model changes or goes; a method that
becomes or stops being paginated, or pages over other items; a wait method (`x-poll`) removed or
renamed. Additions and the converse changes do not.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import replace

from .promises import method_promises, param_promises, server_changes
from .rules import RULES, Change, removal
from .surface import Field, Method, Model, Param, Surface
from .types import Kinds, members, relation, shown
from .waits import wait_changes, waits_added, waits_gone
from .webhooks import webhook_changes

# Every kind of change compare() reports (tests/diff_fixtures/ has a golden report of each).
KINDS = tuple(RULES)


def compare(old: Surface, new: Surface) -> list[Change]:
    """Every change from `old` to `new`, breaking ones first, then by subject."""
    renamed = _renamed_models(old, new)
    found = [*_client(old, new), *server_changes(old, new), *_methods(old, new, renamed), *_models(old, new, renamed)]
    found += webhook_changes(old, new)
    return sorted(found, key=lambda c: (not c.breaking, c.subject, c.kind, c.message))


def _client(old: Surface, new: Surface) -> Iterator[Change]:
    for what, (before, where) in old.client.items():
        after, there = new.client.get(what, (before, where))
        if after != before:
            yield Change("client", "client-changed", f"{what} `{before}` is now `{after}`", True, False, there)


def _methods(old: Surface, new: Surface, renamed_models: dict[str, str]) -> Iterator[Change]:
    renamed_resources = _renamed_resources(old, new)
    gone = {r for r in old.resources if r not in new.resources and r not in renamed_resources}
    for resource in sorted(gone):
        methods = [m for m in old.methods.values() if m.resource == resource]
        names = sorted(f"`{name}`" for m in methods for name in (m.name, *m.waits))
        detail = f" with its method{'s' if len(names) > 1 else ''} {', '.join(names)}" if names else ""
        yield Change(resource, "resource-removed", f"resource removed{detail}", True, False, old.resources[resource])
    for was, now in sorted(renamed_resources.items()):
        yield Change(was, "resource-renamed", f"resource renamed to `{now}`", True, False, new.resources[now])
    for resource in sorted(set(new.resources) - set(old.resources) - set(renamed_resources.values())):
        yield Change(resource, "resource-added", "resource added", False, True, new.resources[resource])
    pairs, removed, added = _match_methods(old, new)
    for method in removed:
        if method.resource not in gone:
            message = "method removed" + removal(method.deprecated)
            yield Change(method.qualified, "method-removed", message, True, False, method.location)
            yield from waits_gone(method)
    for method in added:
        yield Change(
            method.qualified, "method-added", f"method added ({method.endpoint})", False, True, method.location
        )
        yield from waits_added(method)
    is_enum = _enum_test(old, new)
    for before, after in pairs:
        if before.name != after.name or renamed_resources.get(before.resource, before.resource) != after.resource:
            message = f"method renamed to `{after.qualified}`"
            yield Change(before.qualified, "method-renamed", message, True, False, after.location)
        yield from _method(_renaming(before, renamed_models), after, is_enum)
        yield from wait_changes(before, after)


def _renaming(method: Method, renamed_models: dict[str, str]) -> Method:
    """`method` of the old surface in the new names of its renamed models (reported once, as renames)."""
    if not renamed_models:
        return method
    pattern = re.compile(r"\b_models\.(" + "|".join(map(re.escape, renamed_models)) + r")\b")

    def new_names(text: str) -> str:
        return pattern.sub(lambda m: "_models." + renamed_models[m.group(1)], text)

    params = {n: replace(p, annotation=new_names(p.annotation)) for n, p in method.params.items()}
    errors = {s: renamed_models.get(m, m) for s, m in method.errors.items()}
    return replace(method, params=params, returns=new_names(method.returns), errors=errors)


def _renamed_resources(old: Surface, new: Surface) -> dict[str, str]:
    """An old resource gone and a new one holding exactly its endpoints: a rename."""

    def endpoints(surface: Surface, resource: str) -> frozenset[str]:
        return frozenset(m.endpoint for m in surface.methods.values() if m.resource == resource)

    added = {endpoints(new, r): r for r in new.resources if r not in old.resources and endpoints(new, r)}
    return {r: added[endpoints(old, r)] for r in old.resources if r not in new.resources and endpoints(old, r) in added}


def _match_methods(old: Surface, new: Surface) -> tuple[list[tuple[Method, Method]], list[Method], list[Method]]:
    """Methods paired by name, then the rest by endpoint (a rename); the old and the new left over."""
    pairs = [(m, new.methods[q]) for q, m in old.methods.items() if q in new.methods]
    old_rest = [m for q, m in old.methods.items() if q not in new.methods]
    new_rest = {m.endpoint: m for q, m in new.methods.items() if q not in old.methods}
    removed = []
    for method in old_rest:
        partner = new_rest.pop(method.endpoint, None)
        if partner is None:
            removed.append(method)
        else:
            pairs.append((method, partner))
    return pairs, removed, list(new_rest.values())


def _method(before: Method, after: Method, is_enum: Callable[[str], bool]) -> Iterator[Change]:
    subject, there = after.qualified, after.location
    if before.endpoint != after.endpoint:
        yield Change(
            subject, "endpoint-changed", f"now sends `{after.endpoint}` (was `{before.endpoint}`)", False, False, there
        )
    yield from method_promises(before, after)
    yield from _params(before, after, is_enum)
    kind = relation(before.returns, after.returns, is_enum)
    if kind != "same" and bool(before.pagination) == bool(after.pagination):  # else pagination says it
        message = f"return type {_typed(kind)}: `{shown(before.returns)}` -> `{shown(after.returns)}`"
        yield Change(subject, f"return-type-{_typed(kind)}", message, kind != "narrower", False, there)
    for status in sorted(before.errors.keys() | after.errors.keys()):
        was, now = before.errors.get(status), after.errors.get(status)
        where = before.location if now is None else there
        if was == now:
            continue
        if now is None:
            message, breaking = f"error {status} no longer declared (its body was `{was}`)", True
        elif was is None:
            message, breaking = f"error {status} declared, its body `{now}`", False
        else:
            message, breaking = f"error {status} body is now `{now}` (was `{was}`)", True
        yield Change(
            subject,
            "error-changed" if was and now else "error-removed" if was else "error-added",
            message,
            breaking,
            was is None,
            where,
        )
    yield from _pagination(before, after)


def _pagination(before: Method, after: Method) -> Iterator[Change]:
    was, now, subject, there = before.pagination, after.pagination, after.qualified, after.location
    if was == now:
        return
    if not was or not now:
        state = "now paginated" if now else "no longer paginated"
        yield Change(subject, "pagination-changed", f"{state}: it returns `{shown(after.returns)}`", True, False, there)
        return
    for key in sorted(was.keys() | now.keys()):
        if was.get(key) != now.get(key):
            breaking = key in ("style", "items")
            message = f"pagination {key} `{was.get(key) or '-'}` is now `{now.get(key) or '-'}`"
            yield Change(subject, "pagination-changed", message, breaking, False, there)


def _params(before: Method, after: Method, is_enum: Callable[[str], bool]) -> Iterator[Change]:
    subject = after.qualified
    old_only = {n: p for n, p in before.params.items() if n not in after.params}
    new_only = {n: p for n, p in after.params.items() if n not in before.params}
    pairs = [(p, after.params[n]) for n, p in before.params.items() if n in after.params]
    for name, param in list(old_only.items()):
        partner = next((p for p in new_only.values() if p.wire == param.wire), None) or _renamed_on_the_wire(
            param, old_only, new_only
        )
        if partner is not None:
            del old_only[name], new_only[partner.name]
            yield Change(
                subject,
                "parameter-renamed",
                f"parameter `{name}` renamed to `{partner.name}`",
                True,
                False,
                partner.location,
            )
            pairs.append((param, partner))
    for param in old_only.values():
        message = f"parameter `{param.name}` removed ({param.wire}){removal(param.deprecated)}"
        yield Change(subject, "parameter-removed", message, True, False, param.location)
    for param in new_only.values():
        state = "required" if param.required else "optional"
        message = f"{state} parameter `{param.name}: {shown(param.annotation)}` added ({param.wire})"
        yield Change(subject, "parameter-added", message, param.required, not param.required, param.location)
    for was, now in pairs:
        yield from _param(subject, was, now, is_enum)


def _renamed_on_the_wire(param: Param, old_only: dict[str, Param], new_only: dict[str, Param]) -> Param | None:
    """The one new parameter like `param` (same place, type and requiredness), when `param` is the one
    old parameter like it: a parameter renamed on the wire too."""

    def like(p: Param) -> tuple[str, str, bool]:
        return p.wire.split(" ", 1)[0], p.annotation, p.required

    old_like = [p for p in old_only.values() if like(p) == like(param)]
    new_like = [p for p in new_only.values() if like(p) == like(param)]
    return new_like[0] if len(old_like) == len(new_like) == 1 else None


def _param(subject: str, was: Param, now: Param, is_enum: Callable[[str], bool]) -> Iterator[Change]:
    name, there = now.name, now.location
    if was.required != now.required:
        state = "required" if now.required else "optional"
        yield Change(
            subject, f"parameter-now-{state}", f"parameter `{name}` is now {state}", now.required, False, there
        )
    if was.position != now.position:
        place = f"position {now.position + 1}" if now.position is not None else "a keyword"
        yield Change(subject, "parameter-moved", f"parameter `{name}` is now {place}", True, False, there)
    kind = relation(was.annotation, now.annotation, is_enum)
    if kind != "same":
        message = f"parameter `{name}` type {_typed(kind)}: `{shown(was.annotation)}` -> `{shown(now.annotation)}`"
        yield Change(subject, f"parameter-type-{_typed(kind)}", message, kind != "wider", False, there)
    yield from param_promises(subject, was, now, same_type=kind == "same")


def _renamed_models(old: Surface, new: Surface) -> dict[str, str]:
    """An old model gone and a new one of the same shape (fields and their types, enum members): a rename."""
    new_only = [m for n, m in new.models.items() if n not in old.models]
    renamed: dict[str, str] = {}
    for name, model in old.models.items():
        if name not in new.models:
            partner = next((m for m in new_only if _same_shape(model, m) and m.name not in renamed.values()), None)
            if partner is not None:
                renamed[name] = partner.name
    return renamed


def _models(old: Surface, new: Surface, renamed: dict[str, str]) -> Iterator[Change]:
    old_only = {n: m for n, m in old.models.items() if n not in new.models and n not in renamed}
    new_only = {n: m for n, m in new.models.items() if n not in old.models and n not in renamed.values()}
    is_enum = _enum_test(old, new)
    for name, partner in sorted(renamed.items()):
        there = new.models[partner].location
        yield Change(f"models.{name}", "model-renamed", f"model renamed to `{partner}`", True, False, there)
    for model in old_only.values():
        yield Change(f"models.{model.name}", "model-removed", "model removed", True, False, model.location)
    for model in new_only.values():
        yield Change(f"models.{model.name}", "model-added", "model added", False, True, model.location)
    for name in sorted(old.models.keys() & new.models.keys()):
        yield from _model(old.models[name], new.models[name], is_enum)


def _same_shape(a: Model, b: Model) -> bool:
    def shape(m: Model) -> object:
        return m.enum, {n: (f.annotation, f.required) for n, f in m.fields.items()}

    return bool(a.fields or a.enum) and shape(a) == shape(b)


def _model(was: Model, now: Model, is_enum: Callable[[str], bool]) -> Iterator[Change]:
    subject = f"models.{now.name}"
    if was.enum is not None and now.enum is not None:
        for value in was.enum:
            if value not in now.enum:
                yield Change(
                    subject, "enum-member-removed", f"enum member `{value}` removed", True, False, now.location
                )
        for value in now.enum:
            if value not in was.enum:
                yield Change(subject, "enum-member-added", f"enum member `{value}` added", False, True, now.location)
    read, passed = was.read or now.read, was.passed or now.passed
    if not (read or passed):  # a request body spelt out as keyword arguments: its methods say what changed
        return
    noun = "field" if read and passed else "response field" if read else "body field"
    for name in was.fields.keys() - now.fields.keys():
        field = was.fields[name]
        message = f"{noun} removed{removal(field.deprecated)}"
        yield Change(f"{subject}.{name}", "field-removed", message, True, False, field.location)
    for name in now.fields.keys() - was.fields.keys():
        field = now.fields[name]
        state = "required" if field.required else "optional"
        message = f"{state} {noun} `{shown(field.annotation)}` added"
        yield Change(f"{subject}.{name}", "field-added", message, field.required and passed, True, field.location)
    for name in sorted(was.fields.keys() & now.fields.keys()):
        yield from _field(f"{subject}.{name}", noun, was.fields[name], now.fields[name], read, passed, is_enum)


def _field(
    subject: str, noun: str, was: Field, now: Field, read: bool, passed: bool, is_enum: Callable[[str], bool]
) -> Iterator[Change]:
    there = now.location
    if now.deprecated and not was.deprecated:
        yield Change(subject, "field-deprecated", f"{noun} deprecated", False, True, there)
    if was.required and not now.required:
        yield Change(subject, "field-now-optional", f"{noun} is now optional (may be missing)", read, False, there)
    elif now.required and not was.required:
        yield Change(subject, "field-now-required", f"{noun} is now required", passed, False, there)
    kind = relation(was.annotation, now.annotation, is_enum)
    if kind == "same":
        return
    gained, lost = (
        set(members(now.annotation)) - set(members(was.annotation)),
        set(members(was.annotation)) - set(members(now.annotation)),
    )
    if kind == "wider" and gained == {"None"}:
        yield Change(subject, "field-now-nullable", f"{noun} is now nullable (may be None)", read, False, there)
    elif kind == "narrower" and lost == {"None"}:
        yield Change(subject, "field-not-nullable", f"{noun} is no longer nullable", passed, False, there)
    else:
        message = f"{noun} type {_typed(kind)}: `{shown(was.annotation)}` -> `{shown(now.annotation)}`"
        breaking = kind == "different" or (kind == "wider" and read) or (kind == "narrower" and passed)
        yield Change(subject, f"field-type-{_typed(kind)}", message, breaking, False, there)


def _typed(kind: str) -> str:
    return {"narrower": "narrowed", "wider": "widened", "different": "changed"}[kind]


def _enum_test(old: Surface, new: Surface) -> Callable[[str], bool]:
    return Kinds(lambda name: old.is_enum(name) or new.is_enum(name), lambda name: new.alias(name) or old.alias(name))
