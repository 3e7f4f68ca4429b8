"""Hostile text and awkward names, as hypothesis strategies.

Text from a spec ends up in docstrings, comments, string literals and Markdown; names end up as
identifiers, aliases, URLs and dictionary keys. Each fragment here has broken some code generator.
"""

from __future__ import annotations

import re
import unicodedata

from hypothesis import strategies as st

INJECTED = '"""\n    raise RuntimeError("spec text ran as code")\n    """'
# Fragments that close or open a literal, a template tag, a comment or a line.
HOSTILE_FRAGMENTS: tuple[str, ...] = (
    '"""',
    "'''",
    '"',
    "'",
    "\\",
    "\\n",
    "\\x00",
    "\\u0000",
    "\\N{BELL}",
    "{{ x }}",
    "{% if x %}",
    "{% endif %}",
    "{# c #}",
    "{x}",
    "{0}",
    "%s",
    "%(x)s",
    "${x}",
    "\x00",
    "\x01",
    "\x07",
    "\x1b[31m",
    "\x7f",
    "\x85",
    "\r",
    "\r\n",
    "\n",
    "\n\n",
    "\t",
    "\x0b",
    "\x0c",
    "\u2028",
    "\u2029",
    "\ufeff",
    "\u200b",
    "\ud7ff",
    "\ufffd",
    "\U0010fffd",
    "🎉",
    "👩\u200d👩\u200d👧",
    "ünïcødé",
    "名前",
    "#",
    "# type: ignore",
    "# noqa",
    "`",
    "```",
    "*/",
    "<!--",
    "</script>",
    "- ",
    ": ",
    "&a",
    "*a",
    "!!python/object/apply:os.system",
    '"; import os; os.system("true") #',
    "'; import os #",
    "\\\\",
    " \\",
    # Runs, and fails the import, if a template writes spec text into code unescaped.
    INJECTED,
    INJECTED.replace('"""', "'''"),
    '"\nraise RuntimeError("spec text ran as code")\n#',
)
LONG_LINES: tuple[str, ...] = ("x" * 5000, "word " * 1200, "é" * 3000)

# Names that are keywords, builtins, pydantic or client attributes, or template variables.
KEYWORD_NAMES: tuple[str, ...] = (
    "class", "def", "return", "None", "True", "False", "import", "from", "lambda", "async",
    "await", "match", "case", "type", "_", "__", "self", "cls", "model_config", "model_fields",
    "model_dump", "model_validate", "model_construct", "json", "dict", "copy", "schema",
    "validate", "construct", "fields", "Config", "__init__", "__class__", "__dict__", "__slots__",
    "_private", "__dunder__", "body", "timeout", "extra_headers", "extra_query", "extra_body",
    "with_raw_response", "with_options", "close", "request", "get", "post", "client", "api_key",
    "base_url", "max_retries", "id", "list", "str", "int", "float", "bool", "bytes", "object",
    "Any", "Optional", "Literal", "Union", "Mapping", "datetime", "date", "BaseModel", "Field",
    "RootModel", "OpenEnum", "OpenStrEnum", "Client", "AsyncClient", "APIError", "SyncPage",
    "field", "pydantic", "httpx", "typing", "annotations", "print", "exec", "os", "sys",
    "__builtins__", "NotImplemented", "Ellipsis", "global", "nonlocal", "yield", "del", "pass",
    "not", "and", "or", "is", "in", "if", "else", "while", "for", "try", "except", "raise",
    "with", "as", "assert", "break", "continue", "resources", "models", "_models", "_runtime",
)  # fmt: skip
CASE_VARIANTS: tuple[str, ...] = (
    "fooBar", "FooBar", "foo_bar", "foo-bar", "foo.bar", "FOO_BAR", "foo bar", "Foo Bar",
    "_foo_bar", "foo_bar_", "foo__bar", "foobar", "FOOBAR", "foo/bar", "foo~bar", "foo%bar",
    "foo#bar", "foo[bar]", "foo$bar", "foo@bar", "foo:bar", "HTTPStatus", "HttpStatus",
    "http_status", "getURL", "get_url", "src__app__Foo", "lib__Foo", "Body_create_item_api_v1_items_post",
)  # fmt: skip
DIGIT_NAMES: tuple[str, ...] = ("1st", "2fa", "123", "0", "3d_model", "42abc", "1_2", "9Lives", "0x1f")
UNICODE_NAMES: tuple[str, ...] = (
    "ünïcødé", "Größe", "café", "naïve", "Ωmega", "🎉party", "ﬁle", "Ⅸ", "\u210cello", "x\u0301",
    "\uff46\uff4f\uff4f", "İstanbul", "straße", "名前", "🎉", "ü",
)  # fmt: skip
LONG_NAMES: tuple[str, ...] = ("a" * 200, "VeryLongName" * 25, "x_" * 120 + "y", "Z" * 300)


def hostile_text(*, allow_long: bool = True) -> st.SearchStrategy[str]:
    """Text for descriptions, titles, examples and string values: mostly nasty, sometimes plain."""
    pieces = [st.sampled_from(HOSTILE_FRAGMENTS), st.text(max_size=12)]
    if allow_long:
        pieces.append(st.sampled_from(LONG_LINES))
    return st.one_of(
        st.just(""),
        st.text(max_size=30),
        st.lists(st.one_of(*pieces), min_size=1, max_size=6).map("".join),
    )


def names() -> st.SearchStrategy[str]:
    """Names of schemas, properties, parameters, tags and operations. Never empty."""
    return st.one_of(
        st.sampled_from(KEYWORD_NAMES),
        st.sampled_from(CASE_VARIANTS),
        st.sampled_from(DIGIT_NAMES),
        st.sampled_from(UNICODE_NAMES),
        st.sampled_from(LONG_NAMES),
        st.from_regex(r"[A-Za-z][A-Za-z0-9_]{0,12}", fullmatch=True),
        st.text(min_size=1, max_size=15),
        st.tuples(st.sampled_from(KEYWORD_NAMES + CASE_VARIANTS), st.sampled_from(HOSTILE_FRAGMENTS)).map("".join),
    )


def path_parameter_names() -> st.SearchStrategy[str]:
    """Names that fit in a path template `{name}`: no braces, slashes or colons (validators read
    `{name:format}`)."""
    return names().filter(lambda n: not set(n) & set("{}/?#:") and n.strip() != "")


def segments() -> st.SearchStrategy[str]:
    """A static path segment: awkward, but no template braces, slashes or query characters."""
    return names().map(lambda n: "".join(c for c in n if c not in "{}/?#") or "s")


def component_names() -> st.SearchStrategy[str]:
    """Keys of `components/*`: OpenAPI wants them to match `^[a-zA-Z0-9._-]+$`, awkward all the same."""
    return names().map(lambda n: re.sub(r"[^A-Za-z0-9._-]", "_", n))


def http_tokens(strategy: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """Header and cookie names: what an HTTP token may not hold replaced by `-` (the generator refuses
    a header or cookie name that is no token, by design); one in twenty is left as drawn, refusal and all."""
    return st.tuples(st.integers(0, 99), strategy).map(
        lambda drawn: drawn[1] if drawn[0] < 5 else re.sub(r"[^!#$%&'*+\-.^_`|~0-9A-Za-z]", "-", drawn[1])
    )


def _has_ascii_alnum(name: str) -> bool:
    return bool(re.search(r"[A-Za-z0-9]", unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()))


def cleanable(strategy: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """Names that keep an ASCII letter or digit once made an identifier (the generator refuses a
    name that cleans to nothing, by design); one in twenty is left as drawn, refusal and all."""
    return st.tuples(st.integers(0, 99), strategy).map(
        lambda drawn: drawn[1] if drawn[0] < 5 or _has_ascii_alnum(drawn[1]) else drawn[1] + "x"
    )
