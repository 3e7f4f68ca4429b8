"""What the tests of documentation examples share: a generated package an example imports, and its
client pointed at the loopback server by its environment variables, as a user's would be."""

from __future__ import annotations

import contextlib
import importlib
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from support.server import TestServer


@dataclass(frozen=True)
class Package:
    name: str
    folder: Path  # the package itself
    spec: Path

    @property
    def root(self) -> Path:
        return self.folder.parent


@contextlib.contextmanager
def pointed_at(server: TestServer, package: Package) -> Iterator[None]:
    """The package's client configured by its environment variables, as a user's would be."""
    client = importlib.import_module(package.name).Client
    variables = {client._base_url_env: server.url, client._api_key_env: "doc-key"}
    for scheme in client._auth_schemes:
        variables.update({env: "doc-credential" for env in scheme.envs})
    saved = {k: os.environ.get(k) for k in variables}
    os.environ.update(variables)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
