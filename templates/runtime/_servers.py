"""Where an operation with a server of its own (`servers` on its path or on itself) is sent: the
server's URL with its variables filled in (the caller's `server_variables`, else the spec's defaults),
or the URL the caller gives for it in `server_urls` (keyed by the URL as the spec writes it). A
relative server URL resolves against the client's base URL, as a link in a page served there would:
a client cannot know where the document itself was served."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import NamedTuple

import httpx

_VARIABLE = re.compile(r"\{([^{}]+)\}")


class Server(NamedTuple):
    """An operation's own server: its URL as the spec writes it, and its variables' defaults."""

    url: str
    variables: tuple[tuple[str, str], ...] = ()  # (name, default): a tuple, so a server is a key


class Servers:
    """A client's choices of servers for the operations that have their own; each one's base URL
    (ending in `/`) is worked out on first use, then kept."""

    def __init__(self, base: str, urls: Mapping[str, str] | None, variables: Mapping[str, str] | None) -> None:
        self.base = base  # the client's base URL, ending in `/`
        self.urls: dict[str, str] = dict(urls or {})
        self.variables: dict[str, str] = dict(variables or {})
        self._bases: dict[Server, str] = {}

    def base_for(self, server: Server) -> str:
        found = self._bases.get(server)
        if found is None:
            found = self._bases[server] = self._resolve(server)
        return found

    def _resolve(self, server: Server) -> str:
        url = self.urls.get(server.url)
        if url is None:
            values = {**dict(server.variables), **self.variables}

            def value(match: re.Match[str]) -> str:
                name = match.group(1)
                if name not in values:
                    raise ValueError(
                        f"The server {server.url} needs the variable `{name}`: pass server_variables={{{name!r}: ...}}"
                    )
                return values[name]

            url = _VARIABLE.sub(value, server.url)
            url = self.urls.get(url, url)  # the URL as filled in may be overridden too
        if "://" not in url:  # relative: against the client's base URL
            url = str(httpx.URL(self.base).join(url))
        return url.rstrip("/") + "/"


__all__ = ["Server", "Servers"]
