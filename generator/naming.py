"""Turns spec names into Python identifiers: deterministic, valid, and free of reserved words."""

from __future__ import annotations

import builtins
import hashlib
import keyword
import re
import unicodedata
from collections.abc import Container

# Names a generated parameter may not take: they shadow a builtin or a per-call option.
RESERVED_PARAMETERS = frozenset(dir(builtins)) | {
    "self", "extra_headers", "extra_query", "extra_body", "timeout", "cls",
}  # fmt: skip

# Names a models module imports or may import (from pydantic, typing, enum, datetime, uuid, decimal and
# the package runtime), and capitalised builtins, which pydantic would take for a class not yet
# defined: a schema with one of these names gets another.
RESERVED_CLASS_NAMES = frozenset(name for name in dir(builtins) if name[:1].isupper()) | {
    "AliasChoices", "Annotated", "Any", "AnyUrl", "AwareDatetime", "BaseModel", "ClassVar", "ConfigDict",
    "Date", "DateTime", "Decimal", "Dict", "Duration", "EmailStr", "Enum", "Field", "FrozenSet",
    "IntEnum", "Iterator", "List", "Literal", "Mapping", "NaiveDatetime", "Optional", "Path",
    "RootModel", "SecretStr", "Sequence", "Set", "StrEnum", "StringConstraints", "Time", "Tuple",
    "TypeAdapter", "TypeAlias", "UUID", "Union", "ValidationInfo", "OpenEnum", "OpenStrEnum", "OpenIntEnum",
}  # fmt: skip
_FASTAPI_SUFFIX = re.compile(r"_api_v\d+(?:_.*)?_(?:get|put|post|delete|patch|head|options|trace)$")
_WORDS = re.compile(r"[A-Z]+(?=[A-Z][a-z0-9])|[A-Z]?[a-z0-9]+|[A-Z]+|\d+")


def words(text: str) -> list[str]:
    """Splits `fooBar_baz-Qux2` into ['foo', 'Bar', 'baz', 'Qux2']; drops anything not alphanumeric."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return _WORDS.findall(ascii_text)


def snake(text: str) -> str:
    return "_".join(w.lower() for w in words(text))


def pascal(text: str) -> str:
    return "".join(w[:1].upper() + w[1:] for w in words(text))


def safe_identifier(name: str, reserved: frozenset[str] = frozenset()) -> str:
    """A valid identifier: a leading digit gets a prefix, keywords and `reserved` names a `_` suffix."""
    if not name:
        return name
    if name[0].isdigit():
        name = "n" + name
    if keyword.iskeyword(name) or keyword.issoftkeyword(name) or name in reserved:
        name += "_"
    return name


def method_name_from_operation_id(operation_id: str, path: str = "", method: str = "") -> str:
    """`list_keys_api_v1_api_keys_get` -> `list_keys`.

    FastAPI builds every operationId as `<function><route with non-word characters as _>_<method>`;
    the exact suffix is removed when it is there, else anything shaped like `_api_v1_..._get`.
    """
    route_suffix = re.sub(r"\W", "_", path) + "_" + method.lower() if path and method else ""
    if route_suffix and operation_id.endswith(route_suffix) and len(operation_id) > len(route_suffix):
        stripped = operation_id[: -len(route_suffix)]
    else:
        stripped = _FASTAPI_SUFFIX.sub("", operation_id)
    return snake(stripped or operation_id)


def _stem(word: str) -> str:
    """A word without its plural ending, for comparing `config` and `configs`, `policy` and `policies`."""
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "xes", "ches", "shes", "zes", "uses")):
        return word[:-2]
    if word.endswith(("ss", "us", "is")) or not word.endswith("s") or len(word) < 3:
        return word
    return word[:-1]


def without_resource_words(method: str, resource: str) -> str:
    """`list_data_sinks` of `data_sinks` -> `list`; `upsert_embedding_model_config` of
    `embedding_model_configs` -> `upsert`: the method name less the first run of the resource's own
    words (singular or plural alike). The name as it is when they do not occur; "" when nothing is left."""
    method_words, resource_words = method.split("_"), [_stem(w) for w in resource.split("_") if w]
    stems = [_stem(w) for w in method_words]
    size = len(resource_words)
    for start in range(len(stems) - size + 1):
        if size and stems[start : start + size] == resource_words:
            return "_".join(w for w in method_words[:start] + method_words[start + size :] if w)
    return method


def readable_body_name(name: str, method_names: dict[str, str]) -> str | None:
    """`Body_upload_file_api_v1_files_post` -> `UploadFileBody`: FastAPI names the schema of a form
    body `Body_<operationId>`; the method name of that operation (`method_names`: operationId ->
    method name) says what it is. None for any other schema name."""
    if not name.startswith("Body_") or len(name) <= 5:
        return None
    operation_id = name[5:]
    method = method_names.get(operation_id) or snake(_FASTAPI_SUFFIX.sub("", operation_id))
    return pascal(method) + "Body" if pascal(method) else None


def _module_qualified(name: str) -> list[str] | None:
    """`src__app__ChatMessage` -> ['src', 'app', 'ChatMessage']: a module path, then a class name. A
    FastAPI body such as `Body_create_report_api_v1_reports__post` has dunders too, but no class."""
    parts = name.split("__")
    return parts if len(parts) > 1 and parts[-1][:1].isupper() else None


def clean_schema_name(name: str) -> str:
    """`src__app__schema__chat__ChatMessage` -> `ChatMessage`; `Body_upload_file` -> `BodyUploadFile`."""
    parts = _module_qualified(name)
    return pascal(parts[-1] if parts else name)


def safe_class_name(name: str) -> str:
    """`1st` -> `Model1st`; `BaseModel`, `Field`, `None` -> `BaseModelModel`, `FieldModel`, `NoneModel`."""
    if name[:1].isdigit():
        return "Model" + name
    return name + "Model" if name in RESERVED_CLASS_NAMES or keyword.iskeyword(name) else name


def bounded_name(name: str, limit: int = 100) -> str:
    """`name`, or for a long one its start and a hash of the whole: short enough for a file name
    (the OS refuses names over 255 bytes), and still distinct."""
    if len(name) <= limit:
        return name
    return name[: limit - 9].rstrip("_") + "_" + hashlib.sha256(name.encode()).hexdigest()[:8]


def schema_name_qualifiers(name: str) -> list[str]:
    """Module path words of a dunder-qualified name, nearest first, used to tell collisions apart."""
    parts = (_module_qualified(name) or [""])[:-1]
    return [pascal(p) for p in reversed(parts) if pascal(p)]


# Words a title ends with that say what the document is, not whose API it is.
_GENERIC_TITLE_WORDS = frozenset(
    {"api", "apis", "rest", "http", "https", "client", "sdk", "service", "services", "server", "web"}
    | {"openapi", "swagger", "spec", "specification", "reference", "documentation", "docs", "definition"}
)
_VERSION_WORD = re.compile(r"v?\d[\w.]*", re.IGNORECASE)
# Where a title's name ends and a subtitle begins: a spaced dash, a colon, a bar or a parenthesis.
_SUBTITLE = re.compile(r"\s+[-\u2013\u2014]\s+|[:|(\[]")


def title_env_prefix(title: str) -> str:
    """The environment variables' prefix an API's title gives: its name, each word upper-cased and
    kept whole, less a subtitle, a leading `The` and the trailing words saying what the document is
    (`OpenAI API` -> `OPENAI`, `Box Platform API` -> `BOX_PLATFORM`, `GitHub v3 REST API` -> `GITHUB`,
    `Swagger Petstore - OpenAPI 3.0` -> `SWAGGER_PETSTORE`). "" when no name of one to three words is
    left (the package's name is used then)."""
    name = _SUBTITLE.split(title, maxsplit=1)[0]
    found = re.findall(r"[A-Za-z0-9]+", unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode())
    if found and found[0].lower() == "the":
        found = found[1:]
    while found and (found[-1].lower() in _GENERIC_TITLE_WORDS or _VERSION_WORD.fullmatch(found[-1])):
        found.pop()
    if not found or len(found) > 3 or found[0][0].isdigit():
        return ""
    return "_".join(word.upper() for word in found)


def api_name(title: str) -> str:
    """How the docs name the API: its title, with ` API` unless the title has the word already
    (`OpenAI API`, not `OpenAI API API`; `Llama Platform` -> `Llama Platform API`)."""
    title = title.strip()
    named = any(word.lower() in ("api", "apis") for word in re.findall(r"[A-Za-z]+", title))
    return title if named else f"{title} API"


def params_class_name(model: str, models: Container[str]) -> str:
    """The `TypedDict` of a model in `params`: `<Model>Param`; a model named `...Param` already keeps
    its name (OpenAI's `PromptCacheOptionsParam`); and a model whose `...Param` name another model
    holds (OpenAI has `ApplyPatchCreateFileOperation` and `ApplyPatchCreateFileOperationParam`) is
    `<Model>Dict`. No two models get one name, and no name says `Param` twice."""
    if model.endswith("Param"):
        return model
    return model + ("Dict" if model + "Param" in models else "Param")
