"""Every `x-` extension is described once (generator/extensions.py): the README's tables are that
description, the placement check's did-you-mean reads its names and keys, and the code reading each
extension reads the keys it describes, no more and no fewer."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from generator.extensions import EXTENSIONS, extension, extension_table, extensions_on, key_table, keys_of, nearest
from generator.lower.mcp import MCP_KEYS
from generator.lower.pagination import PAGINATION_KEYS
from generator.lower.placement import OWN_EXTENSIONS, OWN_KEYS
from generator.lower.polling import _KEYS as POLL_KEYS_READ
from generator.lower.streams import X_STREAM_KEYS

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_the_readme_tables_are_the_description() -> None:
    assert extension_table() in README
    assert key_table("x-poll") in README
    rows = re.findall(r"^\| `(x-[\w-]+)[`:]", README, re.MULTILINE)
    assert sorted(set(rows)) == sorted(e.name for e in EXTENSIONS)  # no extension the README has alone


def test_each_extension_has_an_example_naming_it() -> None:
    for e in EXTENSIONS:
        assert e.example.startswith(f"{e.name}: "), e.name


def test_the_placement_check_reads_the_description() -> None:
    assert OWN_EXTENSIONS["an operation"] == {e.name for e in EXTENSIONS if "operation" in e.on.split(" or ")}
    assert OWN_EXTENSIONS["the document root"] == {"x-client", "x-webhooks"}
    assert {e.name: keys_of(e.name) for e in EXTENSIONS if e.shape == "mapping"} == OWN_KEYS
    assert extensions_on("an operation") >= {"x-poll", "x-pagination", "x-stream"}


@pytest.mark.parametrize(
    ("name", "read"),
    [
        ("x-pagination", PAGINATION_KEYS),
        ("x-stream", frozenset(X_STREAM_KEYS)),
        ("x-poll", frozenset(POLL_KEYS_READ)),
        ("x-mcp", MCP_KEYS),
    ],
)
def test_the_code_reading_an_extension_reads_its_described_keys(name: str, read: frozenset[str]) -> None:
    assert keys_of(name) == read


def test_x_poll_keys() -> None:
    keys = {key.name: key for key in extension("x-poll").keys}
    assert [name for name, key in keys.items() if key.required] == ["name", "field", "success"]
    assert (keys["interval"].default, keys["backoff"].default) == (2, 1)
    assert keys["timeout"].default is None and keys["max-interval"].default is None


@pytest.mark.parametrize(
    ("word", "known", "any_change", "meant"),
    [
        ("x-methd", ["x-method", "x-poll"], False, "x-method"),
        ("x-resourceId", ["x-resource"], False, None),  # a name of its own, adding to ours
        ("intervall", ["interval", "timeout"], True, "interval"),
        ("every", ["interval", "timeout"], True, None),
    ],
)
def test_nearest(word: str, known: list[str], any_change: bool, meant: str | None) -> None:
    assert nearest(word, known, any_change=any_change) == meant
