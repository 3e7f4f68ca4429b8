"""The credentials and webhooks of an API, as the client module and the docs show them: the keywords a
generated client adds to the common options (a second API key, OAuth 2 client credentials, a webhook
secret), each with its type, variable and meaning."""

from __future__ import annotations

from dataclasses import dataclass

from ..ir import Api, SecurityScheme

# The common options' credential keywords: every client takes these (`_base_client`).
COMMON = frozenset({"api_key", "username", "password"})
_OAUTH2_WORDS = (
    "an OAuth 2 access token",
    "the OAuth 2 client id",
    "the OAuth 2 client secret",
    "an OAuth 2 refresh token",
)


@dataclass(frozen=True)
class Keyword:
    name: str
    annotation: str
    env: str  # its environment variable, or ""
    meaning: str
    credential: bool = True  # passed on as a credential (not `token_params`)


def credential_keywords(api: Api) -> list[Keyword]:
    """Every credential keyword of the client and its variable, the common ones included, in scheme order."""
    found: dict[str, Keyword] = {}
    for scheme in api.security:
        for word, env, meaning in _scheme_keywords(scheme):
            found.setdefault(word, Keyword(word, "str | None", env, meaning))
    if api.webhooks is not None:
        found["webhook_secret"] = Keyword(
            "webhook_secret", "str | None", api.webhooks.secret_env, "the secret webhooks are signed with (`whsec_...`)"
        )
    return list(found.values())


def client_keywords(api: Api) -> list[Keyword]:
    """The keywords the generated client adds to the common options (none for most APIs)."""
    added = [k for k in credential_keywords(api) if k.name not in COMMON]
    if any(s.oauth2 is not None and s.oauth2.token_url for s in api.security):
        meaning = "extra form fields of every token request"
        added.append(Keyword("token_params", "Mapping[str, str] | None", "", meaning, credential=False))
    return added


def _scheme_keywords(scheme: SecurityScheme) -> list[tuple[str, str, str]]:
    if scheme.kind == "basic":
        user, password = (*scheme.envs, "", "")[:2]
        return [("username", user, "the HTTP basic user name"), ("password", password, "the HTTP basic password")]
    if scheme.oauth2 is None:
        what = "the API key" if scheme.option == "api_key" else f"the `{scheme.name}` credential"
        return [(scheme.option, scheme.envs[0] if scheme.envs else "", what)]
    words = zip(scheme.oauth2.keywords, scheme.oauth2.envs, _OAUTH2_WORDS, strict=True)
    return [(w, e, f"{m} ({scheme.name})") for w, e, m in list(words)[: len(scheme.keywords)]]


__all__ = ["COMMON", "Keyword", "client_keywords", "credential_keywords"]
