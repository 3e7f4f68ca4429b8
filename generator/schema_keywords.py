"""Which keywords of a schema hold schemas and which hold data: shared by the resolver (which follows
`$ref`s only in schemas) and the lowering (which rewrites schemas, never the data inside them)."""

from __future__ import annotations

# Keys whose value is one schema, a map of schemas, or a list of schemas, inside a schema.
SCHEMA_VALUE = frozenset(
    {
        *("items", "additionalProperties", "not", "contains", "if", "then", "else", "propertyNames"),
        *("unevaluatedItems", "unevaluatedProperties", "additionalItems", "contentSchema"),
    }
)
SCHEMA_MAP = frozenset({"properties", "patternProperties", "$defs", "definitions", "dependentSchemas"})
SCHEMA_LIST = frozenset({"allOf", "anyOf", "oneOf", "prefixItems"})
# Literal data wherever it stands: a `$ref` inside is data, never followed.
DATA = frozenset({"example", "examples", "default", "enum", "const", "x-examples"})


def is_data(key: str) -> bool:
    """Whether the value under `key` is data: an example, a default, an enum, a constant or an extension."""
    return key in DATA or key.startswith("x-")
