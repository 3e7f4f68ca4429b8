"""`x-pagination` declarations are checked at build time: every field path against the response schema,
every parameter against the operation, every key against its style. A wrong one stops the build with
`file:line:col #/pointer: what` and a hint, exit code 2, nothing written."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

import pytest

from generator.cli import main

PAGE = {
    "type": "object",
    "properties": {
        "data": {"type": "object", "properties": {"items": {"type": "array", "items": {"type": "string"}}}},
        "meta": {
            "type": "object",
            "properties": {"next": {"type": ["string", "null"]}, "count": {"type": "integer"}},
        },
        "links": {"type": "object", "properties": {"next": {"type": "string"}}},
        "label": {"type": "string"},
        "more": {"type": "boolean"},
    },
}
PARAMETERS = [
    {"name": name, "in": "query", "schema": {"type": kind}}
    for name, kind in (("page_token", "string"), ("page", "integer"), ("offset", "integer"), ("size", "integer"))
] + [{"name": "X-Cursor", "in": "header", "schema": {"type": "string"}}]


def spec(pagination: Any, *, schema: Any = PAGE, body: Any = None, method: str = "get") -> str:
    """A spec of one list operation; JSON is YAML, and each key sits on a line of its own."""
    operation: dict[str, Any] = {
        "operationId": "list_things",
        "x-pagination": pagination,
        "parameters": PARAMETERS,
        "responses": {"200": {"description": "a page", "content": {"application/json": {"schema": schema}}}},
    }
    if body is not None:
        operation["requestBody"] = {"content": {"application/json": {"schema": body}}}
    document = {"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {"/things": {method: operation}}}
    return json.dumps(document, indent=2)


def build(tmp_path: Path, text: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    (tmp_path / "openapi.yaml").write_text(textwrap.dedent(text), encoding="utf-8")
    code = main(
        [
            "build",
            "--isolated",
            "--spec",
            str(tmp_path / "openapi.yaml"),
            "--out",
            str(tmp_path / "out"),
            "--package",
            "pkg",
        ]
    )
    return code, capsys.readouterr().err


POINTER = "#/paths/~1things/get/x-pagination"
CASES: dict[str, tuple[str, list[str]]] = {
    "not a mapping": (spec("cursor"), [f"{POINTER}: `x-pagination` must be a mapping with a `style`"]),
    "unknown style": (
        spec({"style": "token"}),
        [
            f"{POINTER}/style: `x-pagination` must be a mapping with a `style`: "
            "offset, cursor, page, next-url, link-header, single"
        ],
    ),
    "a key of another style": (
        spec({"style": "link-header", "items": "data.items", "next-url": "links.next"}),
        [f"{POINTER}/next-url: `x-pagination` of style link-header has no key 'next-url'", "hint: its keys: items"],
    ),
    "a required key missing": (
        spec({"style": "cursor", "items": "data.items", "next-token": "meta.next"}),
        [f"{POINTER}: `x-pagination` of style cursor needs `token-param`"],
    ),
    "items naming no property": (
        spec({"style": "next-url", "items": "data.entries", "next-url": "links.next"}),
        [
            f"{POINTER}/items: `x-pagination.items` (data.entries) names no property of the response: "
            "'entries' is not one",
            "hint: properties there: items",
        ],
    ),
    "items not an array": (
        spec({"style": "next-url", "items": "label", "next-url": "links.next"}),
        [f"{POINTER}/items: `x-pagination.items` (label) must be an array"],
    ),
    "items missing on an object page": (
        spec({"style": "next-url", "next-url": "links.next"}),
        [f"{POINTER}: `x-pagination` needs `items`: the path of the page's list in the response"],
    ),
    "items not a path": (
        spec({"style": "link-header", "items": "data..items"}),
        [f"{POINTER}/items: `x-pagination.items` must be a field path such as `next` or `meta.next`"],
    ),
    "a token path naming no property": (
        spec({"style": "cursor", "items": "data.items", "next-token": "meta.cursor", "token-param": "page_token"}),
        [
            f"{POINTER}/next-token: `x-pagination.next-token` (meta.cursor) names no property of the response: "
            "'cursor' is not one",
            "hint: properties there: next, count",
        ],
    ),
    "a total that is no number": (
        spec({"style": "page", "items": "data.items", "page-param": "page", "total": "meta.next"}),
        [f"{POINTER}/total: `x-pagination.total` (meta.next) must be a number, not string"],
    ),
    "a next URL that is no string": (
        spec({"style": "next-url", "items": "data.items", "next-url": "meta.count"}),
        [f"{POINTER}/next-url: `x-pagination.next-url` (meta.count) must be a string, not integer"],
    ),
    "a parameter the operation does not have": (
        spec({"style": "cursor", "items": "data.items", "next-token": "meta.next", "token-param": "cursor"}),
        [
            f"{POINTER}/token-param: `x-pagination.token-param` ('cursor') is not a query parameter of the operation",
            "hint: query parameters: offset, page, page_token, size",
        ],
    ),
    "a header where a query parameter is needed": (
        spec({"style": "cursor", "items": "data.items", "next-token": "meta.next", "token-param": "X-Cursor"}),
        [f"{POINTER}/token-param: `x-pagination.token-param` ('X-Cursor') is not a query parameter"],
    ),
    "a page size that is no parameter": (
        spec({"style": "offset", "items": "data.items", "offset-param": "offset", "limit-param": "limit"}),
        [f"{POINTER}/limit-param: `x-pagination.limit-param` ('limit') is not a query parameter of the operation"],
    ),
    "a body cursor without a body": (
        spec(
            {
                "style": "cursor",
                "items": "data.items",
                "next-token": "meta.next",
                "token-param": "page_token",
                "token-in": "body",
            }
        ),
        [f"{POINTER}/token-param: `x-pagination.token-in: body` needs a JSON object request body"],
    ),
    "a body cursor the body does not have": (
        spec(
            {
                "style": "cursor",
                "items": "data.items",
                "next-token": "meta.next",
                "token-param": "cursor",
                "token-in": "body",
            },
            body={"type": "object", "properties": {"query": {"type": "string"}, "page_token": {"type": "string"}}},
            method="post",
        ).replace('"get"', '"post"'),
        [
            "#/paths/~1things/post/x-pagination/token-param: `x-pagination.token-param` ('cursor') is not a property "
            "of the request body",
            "hint: properties: query, page_token",
        ],
    ),
    "a cursor neither in the query nor in the body": (
        spec(
            {
                "style": "cursor",
                "items": "data.items",
                "next-token": "meta.next",
                "token-param": "page_token",
                "token-in": "header",
            }
        ),
        [f"{POINTER}/token-in: `x-pagination.token-in` must be `query` or `body`"],
    ),
    "a cursor with no token": (
        spec({"style": "cursor", "items": "data.items", "token-param": "page_token"}),
        [f"{POINTER}: `x-pagination` of style cursor needs `next-token` or `item-token`"],
    ),
    "an item token naming no property of an item": (
        spec({"style": "cursor", "items": "data.items", "token-param": "page_token", "item-token": "id"}),
        [f"{POINTER}/item-token: `x-pagination.item-token` (id) names no property of an item: 'id' is not one"],
    ),
    "a has-more that is no boolean": (
        spec({"style": "next-url", "items": "data.items", "next-url": "links.next", "has-more": "meta.count"}),
        [f"{POINTER}/has-more: `x-pagination.has-more` (meta.count) must be a boolean, not integer"],
    ),
    "a first page that is no integer": (
        spec({"style": "page", "items": "data.items", "page-param": "page", "first-page": "one"}),
        [f"{POINTER}/first-page: `x-pagination.first-page` must be an integer"],
    ),
    "a page that is no JSON": (
        spec({"style": "link-header"}, schema=None).replace('"application/json": {\n', '"text/plain": {\n'),
        [f"{POINTER}: a paginated operation must answer with one JSON schema (an object or an array)"],
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_a_wrong_declaration_is_refused_where_it_is(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], case: str
) -> None:
    text, fragments = CASES[case]
    code, err = build(tmp_path, text, capsys)
    assert code == 2, err
    assert not (tmp_path / "out" / "pkg").exists()
    assert "Traceback" not in err
    assert err.startswith("error: ")
    assert "openapi.yaml:" in err.splitlines()[0]
    for fragment in fragments:
        assert fragment in err


def test_several_problems_are_reported_in_one_run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    declared = {"style": "page", "items": "data.nope", "page-param": "p", "total-pages": "meta.gone", "next-url": "x"}
    code, err = build(tmp_path, spec(declared), capsys)
    assert code == 2
    assert [line.split(": ", 2)[1].split(" ")[1] for line in err.splitlines() if line.startswith("error: ")] == [
        f"{POINTER}/next-url",
        f"{POINTER}/items",
        f"{POINTER}/page-param",
        f"{POINTER}/total-pages",
    ]


@pytest.mark.parametrize(
    "declared",
    [
        {
            "style": "offset",
            "items": "data.items",
            "offset-param": "offset",
            "limit-param": "size",
            "total": "meta.count",
        },
        {"style": "cursor", "items": ["data", "items"], "next-token": "meta.next", "token-param": "page_token"},
        {"style": "page", "items": "data.items", "page-param": "page", "first-page": 0, "total-pages": "meta.count"},
        {"style": "next-url", "items": "data.items", "next-url": "links.next"},
        {"style": "link-header", "items": "data.items"},
        {
            "style": "cursor",
            "items": "data.items",
            "next-token": "meta.next",
            "token-param": "page_token",
            "reverse-param": "page",
            "offset-param": "offset",
            "total": "meta.count",
            "has-more": "more",
            "is-last": "more",
        },
    ],
)
def test_a_right_declaration_builds(tmp_path: Path, capsys: pytest.CaptureFixture[str], declared: Any) -> None:
    code, err = build(tmp_path, spec(declared), capsys)
    assert (code, err) == (0, "")
    source = (tmp_path / "out" / "pkg" / "resources" / "things.py").read_text(encoding="utf-8")
    assert f'PageSpec(\n        "{declared["style"]}",\n        items=("data", "items"),' in source


def test_a_key_no_style_takes_is_a_warning(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    declared = {"style": "link-header", "items": "data.items", "itmes": "data.items"}
    code, err = build(tmp_path, spec(declared), capsys)
    assert code == 0
    assert f"{POINTER}/itmes: `itmes` is not a key of `x-pagination`; not read" in err
    assert err.startswith("warning: ") and "error" not in err
