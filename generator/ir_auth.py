"""The IR of the two ends of an integration: how an OAuth 2 scheme gets its tokens, and the webhooks the
API sends (their payload models, the union of them and the tag that tells them apart). `ir.py` holds
the rest of the IR and re-exports these."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class OAuth2Settings:
    """What an `oauth2` (or `openIdConnect`) scheme needs to fetch and refresh tokens."""

    token_url: str = ""  # `flows.clientCredentials.tokenUrl`, else any flow's: where tokens are fetched
    refresh_url: str = ""  # a flow's `refreshUrl`, else the token URL: where a refresh token is spent
    client_credentials: bool = False  # the scheme has `flows.clientCredentials`
    # `x-client.auth.<scheme>.token-auth`: how the client secret goes (client_secret_basic or _post).
    token_auth: str = "client_secret_basic"
    # The client keywords: access token, client id, client secret, refresh token (and their variables).
    keywords: tuple[str, str, str, str] = ("access_token", "client_id", "client_secret", "refresh_token")
    envs: tuple[str, str, str, str] = ("", "", "", "")
    scopes: tuple[str, ...] = ()  # every scope the flows declare, for the docs


@dataclass(frozen=True)
class WebhookEvent:
    """One event the API sends: the spec's `webhooks` (or 3.0 `x-webhooks`) entry."""

    name: str  # the key under `webhooks`: `batch_completed`
    model: str  # the payload's class: `WebhookBatchCompleted`
    tag: str | None  # the payload's constant discriminator value (`batch.completed`); None: it has none
    summary: str = ""
    deprecated: bool = False


@dataclass(frozen=True)
class Webhooks:
    """Every webhook of the API, unwrapped by `client.webhooks.unwrap(...)`."""

    union: str  # the type alias of every payload model: `WebhookEvent`
    tag_property: str  # the property telling the payloads apart: `type`
    events: tuple[WebhookEvent, ...]
    secret_env: str  # `<PREFIX>_WEBHOOK_SECRET`
    webhook_key: str = "webhooks"  # `webhooks`, or `x-webhooks` in a 3.0 document
    attr: str = "webhooks"  # the client's attribute: `webhook_events` where a resource is `webhooks`

    @property
    def annotation(self) -> str:
        """What `unwrap` gives for a listed event: the union's members (`_models.A | _models.B`)."""
        return " | ".join(dict.fromkeys(f"_models.{e.model}" for e in self.events))

    @property
    def parser(self) -> str:
        """The expression of the runtime parser of a payload: the one model, or the union validated."""
        models = list(dict.fromkeys(e.model for e in self.events))
        if len(models) == 1:
            return f"model_parser(lambda: _models.{models[0]})"
        return f"json_parser(lambda: pydantic.TypeAdapter[{self.annotation}](_models.{self.union}))"


__all__ = ["OAuth2Settings", "WebhookEvent", "Webhooks"]
