"""`deprecated: true` on an operation, a parameter or a body property (the `bodies` and `maps_enums`
fixtures): a DeprecationWarning pointing at the caller's line, `@deprecated` that type checkers
report, and a mark in the reference pages, the docstrings and the command line's help."""

from __future__ import annotations

import asyncio
import inspect
import os
import re
import subprocess
import sys
import textwrap
import warnings
from collections.abc import Callable
from typing import Any

import pytest
import update_goldens as goldens  # tests/ is on sys.path (conftest.py)
import yaml
from support.fixtures import fixture_package
from support.server import Reply, TestServer
from support.shared import kept_mypy_cache

BASIC = {"username": "user", "password": "pass"}
NOTE = {"title": "t"}


def caught(action: Callable[[], Any]) -> list[warnings.WarningMessage]:
    with warnings.catch_warnings(record=True) as found:
        warnings.simplefilter("always")
        action()
    return [w for w in found if issubclass(w.category, DeprecationWarning)]


def notes(server: TestServer) -> Any:
    return fixture_package("bodies").Client(base_url=server.url, max_retries=0, **BASIC).notes


def test_the_spec_marks_what_these_tests_expect() -> None:
    spec = yaml.safe_load(goldens.fixture_spec("bodies").read_text(encoding="utf-8"))
    assert spec["paths"]["/notes/archive"]["post"]["deprecated"] is True
    search = spec["paths"]["/notes/search"]["post"]
    assert search["parameters"][0]["deprecated"] is True
    body = search["requestBody"]["content"]["application/json"]["schema"]
    assert [k for k, v in body["properties"].items() if v.get("deprecated")] == ["scope", "legacy_filter"]
    assert "scope" in body["required"]


def test_a_deprecated_operation_warns_at_the_callers_line(server: TestServer) -> None:
    server.enqueue(Reply(204), Reply(204))
    resource = notes(server)
    found = caught(lambda: resource.archive(ids=["n1"]))
    assert [str(w.message) for w in found] == ["notes.archive is deprecated by the API"]
    assert found[0].filename == __file__  # the caller's file, not the package's

    async def main() -> list[warnings.WarningMessage]:
        async with fixture_package("bodies").AsyncClient(base_url=server.url, **BASIC) as client:
            with warnings.catch_warnings(record=True) as on_await:
                warnings.simplefilter("always")
                await client.notes.archive(ids=["n2"])
            return on_await

    (on_await,) = asyncio.run(main())
    assert (on_await.category, on_await.filename) == (DeprecationWarning, __file__)
    assert len(server.requests) == 2  # warned, and sent all the same
    assert resource.archive.__deprecated__ == "notes.archive is deprecated by the API"
    assert inspect.iscoroutinefunction(fixture_package("bodies").AsyncClient(**BASIC).notes.archive)


def test_deprecated_arguments_warn_when_given(server: TestServer) -> None:
    server.enqueue(Reply(200, body=[NOTE]), Reply(200, body=[NOTE]), Reply(200, body=NOTE))
    resource = notes(server)
    # `scope` is required: every call gives it.
    assert [str(w.message) for w in caught(lambda: resource.search(query="q", scope="all"))] == [
        "`scope` of notes.search is deprecated by the API"
    ]
    given = caught(lambda: resource.search(query="q", scope="all", dry_run=False, legacy_filter="x"))
    assert [str(w.message).split(" of ")[0] for w in given] == ["`dry_run`", "`scope`", "`legacy_filter`"]
    assert {w.filename for w in given} == {__file__}
    assert caught(lambda: resource.create_note(title="t")) == []
    full = server.requests[1]
    assert (full.query, full.json()) == ("dry_run=false", {"query": "q", "scope": "all", "legacy_filter": "x"})


MYPY_SNIPPET = """
    from bodies import Client, Stream
    from bodies.models import Note
    from maps_enums import Client as MapsClient

    notes = Client().notes
    notes.create_note(title="t")
    notes.archive(ids=["a"])
    notes.search(query="q", scope="all")
    notes.search(query="q", scope="all", dry_run=True)
    accounts = MapsClient().accounts
    accounts.create(name="n")
    accounts.create(name="n", legacy_code="x")
    whole: Note = notes.draft(title="t")
    chunks: Stream[Note] = notes.draft(title="t", stream=True)
    old_whole: Note = notes.draft(title="t", tone="dry")
    old_chunks: Stream[Note] = notes.draft(title="t", tone="dry", stream=True)
"""


def test_type_checkers_report_deprecated_use(tmp_path_factory: pytest.TempPathFactory) -> None:
    roots = [str(goldens.fixture_expected(name).parent) for name in ("bodies", "maps_enums")]
    # Files and cache kept between runs (the packages are the committed goldens): a second run
    # re-checks only what changed.
    with kept_mypy_cache(tmp_path_factory, "deprecated") as cache:
        folder = cache.with_name(cache.name + "-files")
        folder.mkdir(exist_ok=True)
        (folder / "use.py").write_text(textwrap.dedent(MYPY_SNIPPET), encoding="utf-8")
        done = subprocess.run(
            [
                *(sys.executable, "-m", "mypy", "--strict", "--enable-error-code", "deprecated", "--config-file="),
                *("--no-error-summary", "--cache-dir", str(cache), "use.py"),
            ],
            cwd=folder,
            env={"MYPYPATH": os.pathsep.join(roots), "PATH": ""},
            capture_output=True,
            text=True,
            check=False,
        )
    reported = {int(line.split(":")[1]): line for line in done.stdout.splitlines() if "[deprecated]" in line}
    # Not the calls without a deprecated part; the stream choice's overloads keep their return types.
    assert sorted(reported) == [8, 9, 10, 13, 16, 17], done.stdout
    assert "notes.archive is deprecated by the API" in reported[8]
    assert "`scope` is deprecated by the API" in reported[9]
    assert "`dry_run`, `legacy_filter` are deprecated by the API" in reported[10]
    assert "`legacy_code`, `old_flag` are deprecated by the API" in reported[13]
    assert "stream: Literal[False]" in reported[16] and "`tone` is deprecated by the API" in reported[16]
    assert "stream: Literal[True]" in reported[17] and "`tone` is deprecated by the API" in reported[17]
    assert [line for line in done.stdout.splitlines() if ": error:" in line and "[deprecated]" not in line] == []


def test_the_docs_mark_what_is_deprecated() -> None:
    package = goldens.fixture_expected("bodies")
    reference = (package / "reference" / "notes.md").read_text(encoding="utf-8")
    archive = reference.split("## ")[[s.split("\n")[0] for s in reference.split("## ")].index("Archive")]
    assert "> Deprecated: the API marks this operation as deprecated." in archive
    search = reference[reference.index("**post** `/notes/search`") :]
    assert "- `dry_run: optional boolean`\n\n  Deprecated." in search
    assert "- `scope: string`\n\n  Deprecated. Where to search" in search
    assert "- `legacy_filter: optional string`\n\n  Deprecated." in search
    api = (package / "api.md").read_text(encoding="utf-8")
    assert "(reference/notes.md#archive) (deprecated) |" in api
    doc = inspect.getdoc(fixture_package("bodies").Client(**BASIC).notes.search) or ""
    assert "dry_run: Deprecated." in doc and "scope: Deprecated. Where to search" in doc


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        (["notes", "--help"], "archive"),
        (["notes", "archive", "--help"], "(deprecated)"),
        (["notes", "search", "--help"], "--dry-run {true,false}"),
    ],
)
def test_the_command_line_help_marks_what_is_deprecated(command: list[str], expected: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bodies", *command],
        env={**os.environ, "PYTHONPATH": str(goldens.fixture_expected("bodies").parent), "COLUMNS": "200"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert expected in done.stdout
    if command[1] == "search":
        entries = flag_entries(done.stdout)
        assert all(
            re.search(r"\((required, )?deprecated\)", entries[f]) for f in ("--dry-run", "--scope", "--legacy-filter")
        )
        assert "deprecated" not in entries["--query"].lower()
        assert "Deprecated." not in entries["--legacy-filter"]  # said once
    if command == ["notes", "--help"]:
        assert "Archive (deprecated)" in " ".join(done.stdout.split())


def flag_entries(help_text: str) -> dict[str, str]:
    """Each flag of a help text with its help, continuation lines joined."""
    entries: dict[str, str] = {}
    flag = ""
    for line in help_text.splitlines():
        if line.startswith("  --"):
            flag = line.split()[0]
            entries[flag] = line
        elif flag and line.startswith("    "):
            entries[flag] += " " + line.strip()
        else:
            flag = ""
    return {k: " ".join(v.split()) for k, v in entries.items()}


def test_a_deprecated_property_beside_the_stream_choice(server: TestServer) -> None:
    server.enqueue(Reply(200, body=NOTE), Reply(200, body=NOTE))
    resource = notes(server)
    found = caught(lambda: resource.draft(title="t", tone="dry"))
    assert [str(w.message) for w in found] == ["`tone` of notes.draft is deprecated by the API"]
    assert caught(lambda: resource.draft(title="t")) == []
    given, plain = server.requests
    # The body's `stream` is the choice's keyword, not a field of its own.
    assert given.body == b'{"title":"t","tone":"dry","stream":false}'
    assert plain.body == b'{"title":"t","stream":false}'
