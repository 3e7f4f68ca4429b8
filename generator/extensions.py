"""Every `x-` extension this generator reads, described once: where it stands, what it means, its keys
(each with its type, its default and a line saying what it does) and a YAML example. The placement
check (its did-you-mean for a misspelt extension or key), the validators of the extensions that
take keys, and the README (its extension table and key tables, checked against this module by
tests/test_extensions.py) all read it from here.

Takes nothing; gives `EXTENSIONS`, the lookups `extensions_on` and `keys_of`, `nearest` (the
did-you-mean), `extension_table` and `key_table` (the README's tables of the extensions and of an
extension's keys)."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

# What a key's value must be: a Python method name, a field path into the response (`a.b.c`, or a
# list of names), a list of JSON scalars, seconds (a number >= 0), a factor (a number >= 1), a
# non-empty string, a parameter's wire name, an integer, or a boolean.
KeyType = Literal[
    "method name", "field path", "values", "seconds", "factor", "string", "parameter", "integer", "mapping"
]


@dataclass(frozen=True)
class Key:
    name: str
    type: KeyType
    meaning: str
    default: object = None  # the value when left out; None: none (or required, when `required`)
    required: bool = False

    @property
    def shown_default(self) -> str:
        if self.required:
            return "required"
        if self.default is None:
            return "none"
        return str(self.default)


@dataclass(frozen=True)
class Extension:
    name: str
    on: str  # the object it stands on, as the README's table and the warnings say it
    meaning: str
    absent: str  # what holds when it is not written
    keys: tuple[Key, ...] = ()
    example: str = ""  # YAML
    # `list`: a list of mappings of `keys` (x-poll); `mapping`: one mapping; `value`: no keys.
    shape: Literal["value", "mapping", "list"] = "value"


_OPERATION = "operation"
_PAGINATION_KEYS = (
    Key("style", "string", "offset, cursor, page, next-url, link-header or single", required=True),
    Key("items", "field path", "the page's list of items; left out, the response is the list"),
    Key("offset-param", "parameter", "the query parameter of the offset (offset; cursor: used when no token comes)"),
    Key("limit-param", "parameter", "the query parameter of the page size"),
    Key("next-token", "field path", "the next page's token (offset, cursor)"),
    Key("token-param", "parameter", "where the token goes back (cursor)"),
    Key("token-in", "string", "`query` or `body`: where the token goes back (cursor)", "query"),
    Key("total", "field path", "the number of items of the whole listing"),
    Key("page-param", "parameter", "the query parameter of the page number (page)"),
    Key("first-page", "integer", "the number of the first page (page)", 1),
    Key("total-pages", "field path", "the number of pages (page)"),
    Key("next-url", "field path", "the next page's URL (next-url)"),
    Key("item-token", "field path", "the field of the last item sent back as the cursor, `id` (cursor)"),
    Key("reverse-param", "parameter", "the cursor paging the other way, from the first item (cursor)"),
    Key("has-more", "field path", "a boolean: false ends the listing without another request"),
    Key("is-last", "field path", "a boolean: true ends the listing without another request"),
)
POLL_KEYS = (
    Key("name", "method name", "the method, beside the operation's: `client.beta.batch.wait(...)`", required=True),
    Key("field", "field path", "the response value compared: `status`, `job.status`", required=True),
    Key("success", "values", "the values that end the wait and return the response", required=True),
    Key("failure", "values", "the values that end the wait with `PollingFailedError`"),
    Key("interval", "seconds", "seconds between polls (the first is made at once)", 2),
    Key("backoff", "factor", "each interval is the one before times this, up to `max-interval`", 1),
    Key("max-interval", "seconds", "the longest interval (a server's `Retry-After` too)"),
    Key("timeout", "seconds", "seconds from the first poll to `PollingTimeoutError`"),
)

EXTENSIONS: tuple[Extension, ...] = (
    Extension(
        "x-resource",
        _OPERATION,
        "the resource path: `client.beta.batch`",
        "the first tag, else the first path segment",
        example="x-resource: beta.batch",
    ),
    Extension(
        "x-method",
        _OPERATION,
        "the method name",
        "`operationId`, with FastAPI's route suffix removed",
        example="x-method: get_status",
    ),
    Extension(
        "x-pagination",
        _OPERATION,
        "the list is paginated (see Pagination below); `false`: not paginated, nothing inferred",
        "the common styles are recognised (see Pagination below)",
        _PAGINATION_KEYS,
        "x-pagination: {style: offset, items: items, offset-param: offset, total: total_size}",
        "mapping",
    ),
    Extension(
        "x-stream",
        "operation or a stream's media type",
        "`terminator` (the data that ends the stream, `null` for none) and `error-event` (the event name that "
        "is an error)",
        "server-sent events end at `data: [DONE]`; no error event",
        (
            Key(
                "terminator",
                "string",
                "the data that ends the stream: not an event; `null`: nothing ends it but the body's end",
                "[DONE] (server-sent events)",
            ),
            Key("error-event", "string", "the event name whose data is an error (server-sent events)"),
        ),
        'x-stream: {terminator: "[DONE]", error-event: error}',
        "mapping",
    ),
    Extension(
        "x-poll",
        _OPERATION,
        "methods waiting for the response to reach a state (see Waiting below)",
        "no wait method",
        POLL_KEYS,
        "x-poll: [{name: wait, field: job.status, success: [completed], failure: [failed, cancelled]}]",
        "list",
    ),
    Extension(
        "x-idempotent",
        _OPERATION,
        "a POST/PATCH may be retried",
        "GET, PUT, DELETE, HEAD, OPTIONS are",
        example="x-idempotent: true",
    ),
    Extension(
        "x-mcp",
        _OPERATION,
        "`false`: the operation is no tool of the MCP server (`python -m <package> mcp`); a mapping renames "
        "its tool or rewrites its description",
        "a tool named `<resource path>_<method>`, described by the summary and description",
        (
            Key("name", "string", "the tool's name: 1 to 64 letters, digits, `_` or `-`"),
            Key("description", "string", "the tool's description, in place of the summary and description"),
        ),
        "x-mcp: {name: get_job_status, description: Progress and file counts of a batch job}",
        "mapping",
    ),
    Extension(
        "x-client",
        "root",
        "`api-key-env`, `base-url-env`, `log-env` (the variables the client reads), `logger` (its logger's "
        "name), `branded-name` of the client; `idempotency-header` (see below); `auth` (credential keywords and "
        "variables by scheme, see Credentials below)",
        "`<TITLE>_API_KEY`, `<TITLE>_BASE_URL`, `<TITLE>_LOG` (see Names below), the package's import path "
        "(`mylib._vendor.llamacloud` when vendored), the package name; no idempotency keys",
        (
            Key("branded-name", "string", "the client class (and its `Async` twin)"),
            Key("api-key-env", "string", "the environment variable of the API key"),
            Key("base-url-env", "string", "the environment variable of the base URL"),
            Key("log-env", "string", "the environment variable that turns the debug log on"),
            Key("logger", "string", "the logger's name"),
            Key("idempotency-header", "string", "the header a fresh key goes in on every non-idempotent request"),
            Key(
                "auth",
                "mapping",
                "by security scheme name: `keyword` (its client keyword; an OAuth 2 scheme's access token), "
                "`env` (its environment variable), `token-auth` (`client_secret_basic` or `client_secret_post`: "
                "how an OAuth 2 client secret is sent)",
            ),
        ),
        "x-client: {branded-name: LlamaCloud, api-key-env: LLAMA_CLOUD_API_KEY}",
        "mapping",
    ),
    Extension(
        "x-webhooks",
        "root",
        "the events the API sends, as OpenAPI 3.1 `webhooks` (a 3.0 document's; see Webhooks below)",
        "no webhooks (a 3.1 document's `webhooks` are read)",
        example="x-webhooks: {order_created: {post: {requestBody: {content: {application/json: {schema: ...}}}}}}",
    ),
)
_BY_NAME = {extension.name: extension for extension in EXTENSIONS}
# The objects the placement check names, and the extensions standing on each.
_PLACES = {"root": "the document root", _OPERATION: "an operation"}


def extension(name: str) -> Extension:
    return _BY_NAME[name]


def extensions_on(place: str) -> frozenset[str]:
    """The extensions that stand on `place`, as the placement check names it (`an operation`)."""
    return frozenset(e.name for e in EXTENSIONS if any(_PLACES.get(on) == place for on in _ons(e)))


def _ons(extension: Extension) -> list[str]:
    return [part.strip() for part in extension.on.split(" or ")]


def keys_of(name: str) -> frozenset[str]:
    """The keys the extension `name` takes (empty for one without keys)."""
    return frozenset(key.name for key in _BY_NAME[name].keys)


def nearest(word: str, known: Iterable[str], *, any_change: bool = True) -> str | None:
    """The known name `word` is most likely a misspelling of, or None. Unless `any_change`, a word that
    only adds to a known one (`x-resourceId`) is a name of its own, not a typo."""
    for meant in difflib.get_close_matches(word, sorted(known), n=1, cutoff=0.8):
        if any_change or not (word.lower().startswith(meant.lower()) or meant.lower().startswith(word.lower())):
            return meant
    return None


def extension_table() -> str:
    """The README's Markdown table of every extension: a value's with its example, the others by name."""
    rows = ["| extension | on | meaning | default when absent |", "| --- | --- | --- | --- |"]
    for e in EXTENSIONS:
        shown = e.example if e.shape == "value" else e.name
        rows.append(f"| `{shown}` | {e.on} | {e.meaning} | {e.absent} |")
    return "\n".join(rows)


def key_table(name: str) -> str:
    """The README's Markdown table of the keys of extension `name`."""
    rows = ["| key | type | default | meaning |", "| --- | --- | --- | --- |"]
    rows += [f"| `{k.name}` | {k.type} | {k.shown_default} | {k.meaning} |" for k in _BY_NAME[name].keys]
    return "\n".join(rows)


__all__ = [
    "EXTENSIONS",
    "POLL_KEYS",
    "Extension",
    "Key",
    "extension",
    "extension_table",
    "extensions_on",
    "key_table",
    "keys_of",
    "nearest",
]
