"""Resolved spec -> the IR's `Api`: runs the lowering steps in their order (names before types,
schemes before operations) and raises every problem found at once."""

from __future__ import annotations

from typing import Any

from .. import __version__
from ..errors import Collector, Origin
from ..ir import Api
from ..naming import api_name
from ..resolver import ResolvedSpec
from .context import LowerContext
from .discriminators import Discriminators
from .normalize import SchemaNormalizer
from .param_types import ParamTypes
from .placement import PlacementChecker
from .resources import build_resources
from .schema_names import class_names, component_schemas, operation_method_names, ref_renamer
from .security import requirement_scopes, requirements, security_schemes
from .settings import ClientSettingsReader
from .shapes import constants
from .typemap import TypeMapper
from .validate import SchemaChecker, check_version
from .webhooks import webhook_events


def lower(spec: ResolvedSpec, package: str, spec_hash: str) -> Api:
    problems = Collector()
    problems.diagnostics.extend(spec.diagnostics)
    doc, top = spec.document, Origin(spec.root)
    before = len(problems.diagnostics)
    check_version(doc, top, problems)
    if len(problems.diagnostics) > before:
        problems.raise_if_any()  # not an OpenAPI 3 document: nothing else would make sense
    raw = component_schemas(doc)
    names = class_names(raw, top, problems, operation_method_names(doc))
    rename_refs = ref_renamer(names)
    schemas = {names[name]: rename_refs(schema) for name, schema in raw.items()}
    components = top.child("components", "schemas")
    origins = {names[name]: spec.origin(schema, components.child(name)) for name, schema in raw.items()}
    normalizer = SchemaNormalizer(schemas, origins)
    normalizer.normalize_components()
    checker = SchemaChecker(problems, spec.origins)
    checker.check_components(raw, top)
    types = TypeMapper(schemas)
    ctx = LowerContext(
        spec=spec,
        package=package,
        problems=problems,
        checker=checker,
        schemas=schemas,
        normalizer=normalizer,
        types=types,
        rename_refs=rename_refs,
        params=ParamTypes(schemas, types),
    )
    PlacementChecker(ctx).check_document()
    client = ClientSettingsReader(ctx)
    schemes = security_schemes(ctx, client)
    resources = build_resources(ctx, schemes)
    webhooks = webhook_events(ctx, client, frozenset(r.attr_name for r in resources))
    Discriminators(schemas, normalizer.free_name).settle()  # may give members tags that settle their bases
    normalizer.settle_inheritance()
    normalizer.hoist_self_items()
    enums = frozenset(n for n, s in schemas.items() if isinstance(s, dict) and ("enum" in s or constants(s)))
    info = _info(doc)
    title = str(info.get("title") or package)
    api = Api(
        title=title,
        display_name=api_name(title),
        version=str(info.get("version") or ""),
        description=str(info.get("description") or ""),
        package=package,
        settings=client.settings,
        security=schemes,
        default_security=requirements(ctx, schemes, doc.get("security"), top.child("security")),
        default_scopes=requirement_scopes(doc.get("security"), schemes) or {},
        webhooks=webhooks,
        resources=resources,
        schemas=schemas,
        schema_origins=normalizer.origins,
        enum_names=enums,
        spec_hash=spec_hash,
        generator_version=__version__,
        params=ctx.params.params_types(),  # after the settling above: their keys type like the models
    )
    problems.raise_if_any()
    api.warnings = tuple(problems.warnings)
    api.notes = tuple(problems.notes)
    return api


def _info(doc: dict[str, Any]) -> dict[str, Any]:
    info = doc.get("info")
    return info if isinstance(info, dict) else {}
