"""The intermediate representation: every decision about names and types is made here, once.

Templates only lay out what these dataclasses say.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from .errors import Diagnostic, Origin

# OAuth 2 and webhooks: their IR lives in `ir_auth.py`, importers find it here with the rest.
from .ir_auth import OAuth2Settings as OAuth2Settings
from .ir_auth import WebhookEvent as WebhookEvent
from .ir_auth import Webhooks as Webhooks
from .naming import bounded_name

ParameterLocation = Literal["path", "query", "header", "cookie"]
# Where the runtime's `Call` takes the parameters of each location.
CALL_KEYWORDS: dict[ParameterLocation, str] = {
    "path": "path",
    "query": "query",
    "header": "headers",
    "cookie": "cookies",
}


@dataclass(frozen=True)
class Parameter:
    wire_name: str
    py_name: str
    location: ParameterLocation
    required: bool
    annotation: str  # the type a caller passes, without the `| Omit` of an optional parameter
    description: str
    nullable: bool
    # Query serialisation: `form` with explode (repeated keys) unless the spec says otherwise.
    style: str = "form"
    explode: bool = True
    enum_values: tuple[str, ...] = ()
    schema_type: str = "string"  # the JSON type, for docs and the CLI
    deprecated: bool = False
    schema: Any = field(default=None, compare=False)  # the parameter's schema (refs name classes)


@dataclass(frozen=True)
class BodyField:
    """One top-level property of an object request body: a keyword argument of its own."""

    wire_name: str
    py_name: str
    required: bool
    annotation: str  # the type a caller passes, without the `| Omit` of an optional field
    description: str
    deprecated: bool = False
    file: bool = False  # a multipart file part, or a list of them
    schema_type: str = "string"  # the JSON type, for docs and the CLI
    item_type: str = ""  # the JSON type of an array's items
    enum_values: tuple[str, ...] = ()
    example: str = ""  # a Python expression of the annotation's type, for the docs' examples
    schema: Any = field(default=None, compare=False)  # the property's schema (refs name classes)


@dataclass(frozen=True)
class PartEncoding:
    """The spec's `encoding` of one property of a multipart or form body."""

    wire_name: str
    content_type: str | None = None
    headers: tuple[tuple[str, str], ...] = ()  # part headers whose value the spec fixes
    style: str | None = None
    explode: bool | None = None


@dataclass(frozen=True)
class RequestBody:
    media_type: str  # application/json, multipart/form-data, application/x-www-form-urlencoded, ...
    kind: Literal["json", "multipart", "form", "binary"]
    required: bool
    py_name: str  # the keyword the whole body is passed as, when it is not expanded into `fields`
    annotation: str
    description: str
    # An object body: one keyword argument per property, in spec order (`expanded`); else the whole
    # body is `py_name`.
    fields: tuple[BodyField, ...] = ()
    model: str | None = None  # the component class of the body, when it is one
    encoding: tuple[PartEncoding, ...] = ()
    example: str = ""  # a Python expression for `py_name`, for the docs' examples
    expanded: bool = False
    schema: Any = field(default=None, compare=False)  # the body's schema (refs name classes)

    @property
    def file_fields(self) -> dict[str, str]:
        """Wire name -> keyword of the fields sent as multipart file parts."""
        return {f.wire_name: f.py_name for f in self.fields if f.file}


@dataclass(frozen=True)
class ParamsKey:
    """One key of a `TypedDict` params type: the wire name, as a plain dict spells it."""

    wire_name: str
    annotation: str
    required: bool
    description: str
    deprecated: bool = False


@dataclass(frozen=True)
class ParamsType:
    """The `TypedDict` a plain dict given for a nested object of a request body is checked against."""

    name: str  # `JobConfigParam`
    model: str  # the model class it mirrors: `JobConfig`
    description: str
    keys: tuple[ParamsKey, ...]
    # Keys that cannot be class attributes (`temporal-namespace`, `class`) need the functional syntax.
    functional: bool = False


@dataclass(frozen=True)
class EventStream:
    """A 2xx body that is a stream of events: server-sent events, JSON Lines or a JSON text sequence."""

    format: Literal["sse", "jsonl", "json-seq"]
    media_type: str
    item_annotation: str  # the type of one event's data: `T` of `Stream[T]`
    item_parser: str  # expression building the parser of one event's data, in the resource module
    item_model: str | None = None  # the component schema class of one event's data, when it is one
    terminator: str | None = None  # `x-stream: {terminator}`: the data that ends the stream
    error_event: str | None = None  # `x-stream: {error-event}`: the event name whose data is an error


@dataclass(frozen=True)
class Response:
    # `stream`: every 2xx answer is an event stream (the method returns `Stream[...]`)
    kind: Literal["json", "none", "binary", "text", "stream"]
    annotation: str  # the return type of the method (for a stream: the type of one event's data)
    parser: str  # expression building the parser of a 2xx body, in the resource module
    media_type: str = "application/json"
    model: str | None = None  # the component schema class, when the body is one
    example: Any = None
    schema: Any = None  # the JSON schema of the body (refs naming classes), when there is one
    stream: EventStream | None = None  # the event stream a 2xx may answer (the only answer for `stream`)


@dataclass(frozen=True)
class StreamChoice:
    """A 2xx answers a plain body or an event stream: the caller picks by a keyword (`stream=True`)."""

    keyword: str  # the method's keyword
    body_property: str | None  # the JSON body's boolean property that carries the choice, by wire name


PaginationStyle = Literal["offset", "cursor", "page", "next-url", "link-header", "single"]
PAGINATION_STYLES: tuple[PaginationStyle, ...] = ("offset", "cursor", "page", "next-url", "link-header", "single")


@dataclass(frozen=True)
class Pagination:
    """How a list is paged (`x-pagination`): JSON paths into the response use wire names, `()` being
    the body itself; the parameters are wire names too."""

    style: PaginationStyle
    items: tuple[str, ...]  # the page's list of items
    item_annotation: str
    param: str | None = None  # the offset, cursor or page-number query parameter, or the cursor's body field
    param_in: Literal["query", "body"] = "query"
    next: tuple[str, ...] = ()  # the next page's token (offset, cursor) or URL (next-url)
    total: tuple[str, ...] = ()  # the number of items in the whole listing
    total_pages: tuple[str, ...] = ()
    limit_param: str | None = None  # the page size, sent unchanged with every page
    first_page: int = 1  # the number of the first page (page style)
    has_more: tuple[str, ...] = ()  # a boolean: false says this page is the last one
    is_last: tuple[str, ...] = ()  # a boolean: true says this page is the last one
    item_token: tuple[str, ...] = ()  # cursor taken from the last item (its `id`), not from the body
    reverse_param: str | None = None  # the cursor parameter paging the other way (`before`): the first item's
    offset_param: str | None = None  # cursor style: the offset advanced (below `total`) when no token comes
    inferred: bool = False  # recognised from the operation, not declared by `x-pagination`


@dataclass(frozen=True)
class Wait:
    """A method polling an operation until a field of its response reaches a final value (`x-poll`)."""

    method_name: str  # beside the operation's, on its resource
    field: tuple[str, ...]  # the compared value's path in the response body, by wire names
    success: tuple[Any, ...]  # JSON values that end the wait and return the response
    failure: tuple[Any, ...]  # JSON values that end it with `PollingFailedError`
    interval: float  # seconds before the second poll
    backoff: float  # each interval is the one before times this
    max_interval: float | None  # the longest interval (a Retry-After's too); None: no bound
    timeout: float | None  # seconds before `PollingTimeoutError`; None: none
    spec_name: str  # the module-level constant holding its runtime description (`PollSpec`)


@dataclass(frozen=True)
class McpTool:
    """How an operation shows as a tool of the generated MCP server (`x-mcp`)."""

    enabled: bool = True  # `x-mcp: false` leaves it out
    name: str = ""  # "": `<resource path>_<method>`
    description: str = ""  # "": the operation's summary and description


@dataclass(frozen=True)
class Server:
    """The server an operation is sent to, when not the API's (`servers` on its path or itself)."""

    url: str  # as the spec writes it: with `{variables}`, possibly relative
    variables: tuple[tuple[str, str], ...] = ()  # (name, default) of each variable the URL holds
    description: str = ""


@dataclass(frozen=True)
class Operation:
    operation_id: str
    method_name: str
    http_method: str
    path: str
    summary: str
    description: str
    deprecated: bool
    idempotent: bool
    parameters: tuple[Parameter, ...]
    body: RequestBody | None
    response: Response
    # Status code, `4XX` or `default` -> the error body's component, and the expression of its parser.
    error_models: tuple[tuple[int | str, str, str], ...]
    pagination: Pagination | None
    endpoint_name: str  # module-level constant holding the operation's runtime description
    resource_path: tuple[str, ...]
    # Alternatives of security scheme names; None: the API's default applies.
    security: tuple[tuple[str, ...], ...] | None = None
    stream_choice: StreamChoice | None = None  # set when a 2xx offers both a plain body and a stream
    waits: tuple[Wait, ...] = ()  # methods polling it (`x-poll`)
    mcp: McpTool = McpTool()  # its tool in the MCP server (`x-mcp`)
    scopes: dict[str, tuple[str, ...]] | None = None  # OAuth 2 scopes its own `security` asks, by scheme
    server: Server | None = None  # its own server; None: the client's base URL

    @property
    def stream_endpoint_name(self) -> str:
        """The endpoint constant of the streaming form: its own when the caller chooses between a plain
        body and a stream (a method name never holds `__`, so no other constant is named the same)."""
        return self.endpoint_name + "__STREAM" if self.stream_choice is not None else self.endpoint_name

    @property
    def deprecated_arguments(self) -> tuple[tuple[str, bool], ...]:
        """(keyword, required) of each deprecated parameter and body field."""
        params = tuple((p.py_name, p.required) for p in self.parameters if p.deprecated)
        fields = self.body.fields if self.body is not None else ()
        return params + tuple((f.py_name, f.required) for f in fields if f.deprecated)

    @property
    def query_styles(self) -> dict[str, tuple[str, bool]]:
        """Query parameters not serialised as exploded `form`: wire name -> (style, explode)."""
        return {
            p.wire_name: (p.style, p.explode)
            for p in self.parameters
            if p.location == "query" and (p.style, p.explode) != ("form", True)
        }

    @property
    def path_parameters(self) -> tuple[Parameter, ...]:
        return tuple(p for p in self.parameters if p.location == "path")

    @property
    def keyword_parameters(self) -> tuple[Parameter, ...]:
        return tuple(p for p in self.parameters if p.location != "path")

    def in_location(self, location: ParameterLocation) -> tuple[Parameter, ...]:
        return tuple(p for p in self.parameters if p.location == location)

    @property
    def call_groups(self) -> tuple[tuple[str, tuple[Parameter, ...]], ...]:
        """The parameters by the runtime `Call` keyword that carries them (`headers=`, `cookies=`...)."""
        groups = ((keyword, self.in_location(location)) for location, keyword in CALL_KEYWORDS.items())
        return tuple((keyword, params) for keyword, params in groups if params)


@dataclass
class Resource:
    attr_name: str  # attribute on the parent (`beta`, `batch`)
    class_name: str  # `BetaBatchResource`; the async one prefixes `Async`
    path: tuple[str, ...]  # ('beta', 'batch')
    operations: list[Operation] = field(default_factory=list)
    children: list[Resource] = field(default_factory=list)

    @property
    def module(self) -> str:
        """Module name under `resources/` (`beta_batch`): flat, so every module imports alike."""
        return bounded_name("_".join(self.path))


@dataclass(frozen=True)
class SecurityScheme:
    name: str
    kind: Literal["bearer", "basic", "api_key", "oauth2"]
    location: Literal["header", "query", "cookie"] = "header"
    parameter: str = "Authorization"
    option: str = "api_key"  # the client keyword of the credential (basic: username and password)
    envs: tuple[str, ...] = ()  # read when the keyword is not given (basic: user, then password)
    deprecated: bool = False  # OpenAPI 3.2: the API means to stop accepting it
    metadata_url: str = ""  # OpenAPI 3.2 `oauth2MetadataUrl`: where its OAuth 2 server describes itself
    oauth2: OAuth2Settings | None = None  # an oauth2/openIdConnect scheme: its keywords and token URLs

    @property
    def keywords(self) -> tuple[str, ...]:
        """Every client keyword of the scheme's credentials."""
        if self.oauth2 is not None:
            return self.oauth2.keywords if self.oauth2.token_url else self.oauth2.keywords[:1]
        return ("username", "password") if self.kind == "basic" else (self.option,)


@dataclass(frozen=True)
class ClientSettings:
    class_name: str  # `LlamaCloud`
    env_prefix: str  # of the environment variables: `OPENAI` (from the title `OpenAI API`)
    api_key_env: str
    base_url_env: str
    default_base_url: str
    # Servers the spec names (OpenAPI 3.2 `name`): (name, URL, description), for `base_url=`.
    servers: tuple[tuple[str, str, str], ...] = ()
    # `x-client.idempotency-header`: sent with a fresh key on every non-idempotent request, which
    # may then be retried.
    idempotency_header: str | None = None
    # `x-client.log-env`: the variable that turns on the log output (`<PACKAGE>_LOG=debug`).
    log_env: str = "LOG"
    # `x-client.logger`: the logger's name; None: the package's import path (`mylib._vendor.pkg`).
    logger: str | None = None


@dataclass
class Api:
    title: str
    display_name: str  # how the docs name the API: `OpenAI API`, `Llama Platform API`
    version: str
    description: str
    package: str
    settings: ClientSettings
    security: tuple[SecurityScheme, ...]
    resources: list[Resource]
    schemas: dict[str, Any]  # class name -> JSON schema (refs point at class names) for the models stage
    enum_names: frozenset[str]
    spec_hash: str
    generator_version: str
    # Located warnings found on the way (the build goes on); `--strict` makes them errors.
    warnings: tuple[Diagnostic, ...] = ()
    notes: tuple[Diagnostic, ...] = ()  # located notes, shown under `--verbose` (pagination inferred)
    params: list[ParamsType] = field(default_factory=list)  # TypedDicts of nested body objects, by name
    # Class name -> where its schema is written (a hoisted one: what held it), to locate problems.
    schema_origins: dict[str, Origin] = field(default_factory=dict)
    # Alternatives of scheme names the API requires by default; None when the spec declares none.
    default_security: tuple[tuple[str, ...], ...] | None = None
    default_scopes: dict[str, tuple[str, ...]] = field(default_factory=dict)  # OAuth 2 scopes by scheme
    webhooks: Webhooks | None = None  # the events the API sends (`webhooks`, `x-webhooks`)

    def all_resources(self) -> list[Resource]:
        found: list[Resource] = []
        stack = list(reversed(self.resources))
        while stack:
            resource = stack.pop()
            found.append(resource)
            stack.extend(reversed(resource.children))
        return found

    def operations(self) -> list[Operation]:
        return [op for resource in self.all_resources() for op in resource.operations]
