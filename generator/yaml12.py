"""A PyYAML safe loader that reads YAML 1.2 (the version OpenAPI 3.1 names) and gives JSON values only.

PyYAML implements YAML 1.1, where `on`, `off`, `yes`, `no`, `y` and `n` are booleans, `2024-05-01`
is a date, `012` is octal and `1:30` is a number in base 60. Here the implicit types are those of
the YAML 1.2 core schema: `null`/`~`/empty, `true`/`false` (any case form), decimal, `0o` and `0x`
integers, and decimal floats; every other plain scalar is a string. `.inf` and `.nan` stay strings,
since JSON has no such number, and the tags that give other values (`!!timestamp`, `!!binary`,
`!!set`, ...) are refused, so nothing but JSON's types ever leaves the loader. Mapping keys are the
text of the key as written (`200:` is `"200"`): JSON keys are strings.
"""

from __future__ import annotations

import math
import re
from typing import Any, ClassVar

import yaml

_Base: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# (tag, pattern, first characters), from the YAML 1.2.2 core schema (section 10.3.2).
_CORE_SCHEMA = (
    ("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
    ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", list("tTfF")),
    ("tag:yaml.org,2002:int", r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", list("-+0123456789")),
    (
        "tag:yaml.org,2002:float",
        r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$",
        list("-+0123456789."),
    ),
    ("tag:yaml.org,2002:merge", r"^(?:<<)$", ["<"]),  # `<<: *base`, which specs use, YAML 1.2 or not
)
# Tags whose values are no JSON value: refused where they stand.
_NOT_JSON = ("timestamp", "binary", "set", "omap", "pairs", "value", "yaml")


class Yaml12Loader(_Base):  # type: ignore[misc, valid-type]
    """Safe loader with the YAML 1.2 core schema's implicit types; gives JSON values only."""

    yaml_implicit_resolvers: ClassVar[dict[str, list[tuple[str, re.Pattern[str]]]]] = {}

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[str, Any]:
        if not isinstance(node, yaml.MappingNode):
            raise yaml.constructor.ConstructorError(
                None, None, f"expected a mapping, but found a {node.id}", node.start_mark
            )
        self.flatten_mapping(node)
        mapping: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise yaml.constructor.ConstructorError(
                    "while reading a mapping", node.start_mark, "a key must be a plain value", key_node.start_mark
                )
            mapping[str(key_node.value)] = self.construct_object(value_node, deep=deep)
        return mapping

    def construct_yaml_int(self, node: yaml.ScalarNode) -> int:
        text = str(self.construct_scalar(node))
        try:
            if text.startswith("0o"):
                return int(text[2:], 8)
            if text.startswith("0x"):
                return int(text[2:], 16)
            return int(text, 10)  # `012` is twelve: YAML 1.2 has no leading-zero octal
        except ValueError:
            raise yaml.constructor.ConstructorError(
                None, None, f"{text!r} is not an integer", node.start_mark
            ) from None

    def construct_yaml_bool(self, node: yaml.ScalarNode) -> bool:
        text = str(self.construct_scalar(node))
        if text.lower() not in ("true", "false"):
            raise yaml.constructor.ConstructorError(None, None, f"{text!r} is not true or false", node.start_mark)
        return text.lower() == "true"

    def construct_yaml_float(self, node: yaml.ScalarNode) -> float:
        text = str(self.construct_scalar(node))
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        if not math.isfinite(value):
            raise yaml.constructor.ConstructorError(
                None, None, f"{text!r} is not a JSON number (quote it to make it a string)", node.start_mark
            )
        return value


for _tag, _pattern, _first in _CORE_SCHEMA:
    Yaml12Loader.add_implicit_resolver(_tag, re.compile(_pattern), _first)
Yaml12Loader.yaml_constructors = {
    tag: constructor
    for tag, constructor in _Base.yaml_constructors.items()
    if tag is None or tag.rsplit(":", 1)[-1] not in _NOT_JSON
}
Yaml12Loader.add_constructor("tag:yaml.org,2002:int", Yaml12Loader.construct_yaml_int)
Yaml12Loader.add_constructor("tag:yaml.org,2002:float", Yaml12Loader.construct_yaml_float)
Yaml12Loader.add_constructor("tag:yaml.org,2002:bool", Yaml12Loader.construct_yaml_bool)
Yaml12Loader.add_constructor("tag:yaml.org,2002:map", Yaml12Loader.construct_yaml_map)
