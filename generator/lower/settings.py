"""`x-client`, `servers` and the API's title -> the client's class name, environment variables,
logger and default base URL. Gives `ClientSettingsReader`, whose `settings` are decided on first use."""

from __future__ import annotations

import functools
import keyword
import re
from typing import TypeVar

from ..errors import Origin
from ..ir import ClientSettings
from ..naming import pascal, snake, title_env_prefix
from .context import LowerContext
from .parameters import HTTP_TOKEN

ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
D = TypeVar("D", str, None)
LOGGER_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*")
# What the package's `__init__` and `_client` define besides the client classes.
_PACKAGE_NAMES = frozenset(
    {
        *("APIConnectionError", "APIError", "APIStatusError", "APITimeoutError", "AuthenticationError"),
        *("BadRequestError", "ConflictError", "InternalServerError", "NotFoundError", "PermissionDeniedError"),
        *("RateLimitError", "ResponseTooLargeError", "ResponseValidationError", "UnprocessableEntityError"),
        *("PollingFailedError", "PollingTimeoutError", "MissingCredentialsError", "TokenError"),
        *("WebhookVerificationError", "UnknownWebhookEvent"),
        *("AsyncPage", "AsyncPaginator", "SyncPage", "RawResponse", "NotGiven", "Omit", "AsyncClient"),
        *("SyncAPIClient", "AsyncAPIClient", "AuthScheme", "ClassVar", "TYPE_CHECKING"),
    }
)


class ClientSettingsReader:
    """Reads the client-wide settings once, when first asked: the security schemes ask early, for the
    API key's environment variable, and the finished API asks last."""

    def __init__(self, ctx: LowerContext) -> None:
        self.ctx = ctx

    @functools.cached_property
    def settings(self) -> ClientSettings:
        ctx = self.ctx
        declared = ctx.doc.get("x-client")
        where = ctx.origin(declared, ctx.top.child("x-client"))
        declared = declared if isinstance(declared, dict) else {}
        env_prefix = self.env_prefix
        servers = ctx.doc.get("servers")
        base_url = ""
        if isinstance(servers, list) and servers and isinstance(servers[0], dict):
            base_url = str(servers[0].get("url") or "")
        named = tuple(
            (str(server["name"]), str(server.get("url") or ""), str(server.get("description") or ""))
            for server in (servers if isinstance(servers, list) else ())
            if isinstance(server, dict) and isinstance(server.get("name"), str)
        )
        return ClientSettings(
            env_prefix=env_prefix,
            class_name=self.client_class_name(declared.get("branded-name"), where.child("branded-name")),
            api_key_env=self.env_name(declared.get("api-key-env"), f"{env_prefix}_API_KEY", where.child("api-key-env")),
            base_url_env=self.env_name(
                declared.get("base-url-env"), f"{env_prefix}_BASE_URL", where.child("base-url-env")
            ),
            default_base_url=base_url,
            servers=named,
            idempotency_header=self.header_name(declared.get("idempotency-header"), where.child("idempotency-header")),
            log_env=self.env_name(declared.get("log-env"), f"{env_prefix}_LOG", where.child("log-env")),
            logger=self.logger_name(declared.get("logger"), where.child("logger")),
        )

    @functools.cached_property
    def env_prefix(self) -> str:
        """The prefix of the client's environment variables: from the API's title (`OpenAI API` ->
        `OPENAI`), else from the package's name."""
        info = self.ctx.doc.get("info")
        title = info.get("title") if isinstance(info, dict) else None
        return (
            title_env_prefix(title)
            if isinstance(title, str) and title_env_prefix(title)
            else snake(self.ctx.package).upper()
        )

    def client_class_name(self, declared: object, where: Origin) -> str:
        """`x-client.branded-name` as a class name, else one made from the package name. The class
        and its `Async` twin sit beside the package's other exports, so they may not take those names."""
        if declared is None:
            name = pascal(self.ctx.package) or "Api"
            name = "Api" + name if name[0].isdigit() else name
            return name + "Api" if clashes_with_exports(name) or keyword.iskeyword(name) else name
        name = pascal(str(declared))
        if not name or name[0].isdigit() or keyword.iskeyword(name):
            problem = f"gives no usable class name (`{name}`)" if name else "has no letters or digits"
        elif clashes_with_exports(name):
            problem = f"gives the class `{name}`, which clashes with another name the package exports"
        else:
            return name
        self.ctx.problems.error(f"x-client branded-name {declared!r} {problem}", where, "use a name such as `Acme`")
        return "Api"

    def header_name(self, declared: object, where: Origin) -> str | None:
        return self.matching(
            declared,
            None,
            HTTP_TOKEN,
            where,
            f"x-client idempotency-header {declared!r} is not a header name",
            "use an HTTP token such as `Idempotency-Key`",
        )

    def logger_name(self, declared: object, where: Origin) -> str | None:
        return self.matching(
            declared,
            None,
            LOGGER_NAME,
            where,
            f"x-client logger {declared!r} is not a logger name",
            "use dotted names of letters, digits and underscores (e.g. `mylib.acme`)",
        )

    def env_name(self, declared: object, default: str, where: Origin) -> str:
        return self.matching(
            declared,
            default,
            ENV_NAME,
            where,
            f"{declared!r} is not an environment variable name",
            "use letters, digits and underscores, not starting with a digit (e.g. `ACME_API_KEY`)",
        )

    def matching(
        self, declared: object, default: D, pattern: re.Pattern[str], where: Origin, what: str, hint: str
    ) -> str | D:
        """`declared` when it is a string `pattern` matches whole; else `default`, with an error at
        `where` unless nothing was declared."""
        if declared is None:
            return default
        if isinstance(declared, str) and pattern.fullmatch(declared):
            return declared
        self.ctx.problems.error(what, where, hint)
        return default


def clashes_with_exports(class_name: str) -> bool:
    """`Client` itself is fine (`Client = Client`); `AsyncClient`, `Page` (-> `AsyncPage`) are not."""
    return class_name in _PACKAGE_NAMES or f"Async{class_name}" in _PACKAGE_NAMES - {"AsyncClient"}
