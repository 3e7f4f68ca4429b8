"""What every lowering step shares: the resolved spec, the problem collector, and the component
schemas (renamed to class names) with their normalizer and type mapper. Gives `LowerContext`."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..errors import Collector, Origin
from ..resolver import ResolvedSpec
from .normalize import SchemaNormalizer
from .param_types import ParamTypes
from .typemap import TypeMapper
from .validate import SchemaChecker


@dataclass(frozen=True)
class LowerContext:
    spec: ResolvedSpec
    package: str
    problems: Collector
    checker: SchemaChecker
    schemas: dict[str, Any]  # class name -> schema; grows as inline schemas are hoisted
    normalizer: SchemaNormalizer
    types: TypeMapper
    rename_refs: Callable[[Any], Any]  # a schema as written -> a copy whose refs name classes
    params: ParamTypes  # annotations of request body values, and the TypedDicts they name
    reported: set[int] = field(default_factory=set)  # ids of values already reported as broken

    @property
    def doc(self) -> dict[str, Any]:
        return self.spec.document

    @functools.cached_property
    def version(self) -> tuple[int, int]:
        """The OpenAPI version's major and minor numbers (checked already): (3, 0), (3, 1) or (3, 2)."""
        parts = str(self.doc.get("openapi", "3.1")).split(".")
        return (
            (int(parts[0]), int(parts[1])) if len(parts) > 1 and parts[0].isdigit() and parts[1].isdigit() else (3, 1)
        )

    @property
    def top(self) -> Origin:
        return Origin(self.spec.root)

    def origin(self, value: object, fallback: Origin) -> Origin:
        return self.spec.origins.get(id(value), fallback)

    def local_schema(self, schema: Any, hoist_as: str, where: Origin | None = None) -> Any:
        """An operation's schema with references renamed to classes; inline objects and enums are
        hoisted under `hoist_as` (made unique) when it is given. Checked first when `where` is given."""
        if where is not None and schema is not None:
            self.checker.check(schema, self.origin(schema, where))
        self.normalizer.owner = self.origin(schema, where) if where is not None else None
        if hoist_as:
            return self.normalizer.child(self.rename_refs(schema), hoist_as)
        return self.normalizer.normalize(self.rename_refs(schema), "Inline")
