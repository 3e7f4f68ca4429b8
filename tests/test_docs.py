"""The Markdown reference generated from `spec/` carries every fact of the seed reference pages.

Seeds 000 (Get Batch Job Status) and 004 (List Batch Jobs) are the HTTP reference pages of the two
endpoints. Both they and the generated `reference/beta_batch.md` are parsed at test time into the
same structure: title, method and path, description, one bullet tree per section (Path, Query,
Header, Cookie Parameters; Returns) and the examples. Every parameter, field, type (enums included),
optionality marker, enum value and description of a seed must appear in the same section, at the
same nesting and in the same order, in the generated page; the curl call and the example response
must match. The generated page is checked as committed and as rendered fresh from the spec, and its
Python and command-line examples are run against a local server.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from conftest import API_KEY
from support.server import RecordedRequest, Reply, TestServer

from generator.pipeline import load_api
from generator.render import render_package
from generator.render.wait_text import wait_summary

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "spec" / "sources"
GENERATED = ROOT / "generated" / "llamacloud"
REFERENCE = "reference/beta_batch.md"
PAGES = {"000": "Get Batch Job Status", "004": "List Batch Jobs"}  # seed -> the operation it documents
PARAMETER_SECTIONS = ("Path Parameters", "Query Parameters", "Header Parameters", "Cookie Parameters")


# -- parsing a reference page ------------------------------------------------------------------
@dataclass
class Bullet:
    head: str  # `name: optional type`, or a quoted enum value
    indent: int
    text: list[str] = field(default_factory=list)
    children: list[Bullet] = field(default_factory=list)

    @property
    def description(self) -> str:
        return " ".join(" ".join(self.text).split())


@dataclass
class Page:
    title: str
    method_path: str
    description: str
    bullets: dict[str, list[Bullet]]  # section heading -> bullet tree
    code: dict[str, list[str]]  # heading -> the code blocks under it


_BULLET = re.compile(r"- (`+) ?(.*?) ?\1")


def parse_bullets(lines: list[str]) -> list[Bullet]:
    roots: list[Bullet] = []
    stack: list[Bullet] = []
    for line in lines:
        if not line.strip():
            continue
        indent = len(line) - len(line.lstrip())
        while stack and stack[-1].indent >= indent:
            stack.pop()
        item = _BULLET.fullmatch(line.strip())
        if item:
            bullet = Bullet(item.group(2), indent)
            (stack[-1].children if stack else roots).append(bullet)
            stack.append(bullet)
        elif stack:
            stack[-1].text.append(line.strip())
    return roots


def parse_page(text: str) -> Page:
    """One operation's page: `## Title`, then `**get** `/path``, prose, and `###`/`####` sections."""
    lines = text.strip().splitlines()
    assert lines[0].startswith("## "), lines[0]
    heading, title = "", lines[0][3:].strip()
    prose: dict[str, list[str]] = {}
    code: dict[str, list[str]] = {}
    fence: str | None = None
    block: list[str] = []
    for line in lines[1:]:
        if fence is not None:
            if line.strip() == fence:
                code.setdefault(heading, []).append("\n".join(block))
                fence = None
            else:
                block.append(line)
            continue
        opening = re.match(r"(`{3,})\w*$", line.strip())
        if opening:
            fence, block = opening.group(1), []
        elif line.startswith("#"):
            heading = line.lstrip("#").strip()
        else:
            prose.setdefault(heading, []).append(line)
    intro = [line for line in prose.get("", []) if line.strip()]
    return Page(
        title=title,
        method_path=intro[0],
        description=" ".join(" ".join(intro[1:]).split()),
        bullets={name: parse_bullets(body) for name, body in prose.items() if name},
        code=code,
    )


def operation_pages(text: str) -> dict[str, Page]:
    """The `## ` sections of a generated resource page, by title."""
    chunks = re.split(r"^(?=## )", text, flags=re.M)[1:]
    pages = [parse_page(chunk) for chunk in chunks]
    return {page.title: page for page in pages}


def seed_page(prefix: str) -> Page:
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return parse_page(path.read_text(encoding="utf-8"))


@cache
def fresh_reference() -> str:
    """The reference as the generator renders it now from spec/ (before ruff formats its code)."""
    api, _ = load_api(ROOT / "spec" / "openapi.yaml", "llamacloud")
    return render_package(api, "")[REFERENCE]


def generated_page(source: str, title: str) -> Page:
    text = (GENERATED / REFERENCE).read_text(encoding="utf-8") if source == "committed" else fresh_reference()
    pages = operation_pages(text)
    assert title in pages, f"no `## {title}` in the {source} reference; it has {sorted(pages)}"
    return pages[title]


def assert_carries(seed: list[Bullet], generated: list[Bullet], where: str) -> None:
    """Every seed bullet is in `generated`, in the same order, with its description and children."""
    heads = [b.head for b in generated]
    positions = []
    for bullet in seed:
        assert bullet.head in heads, f"{where}: `{bullet.head}` is missing; the generated page has {heads}"
        found = generated[heads.index(bullet.head)]
        positions.append(heads.index(bullet.head))
        assert found.description == bullet.description, f"{where} > {bullet.head}: description differs"
        assert_carries(bullet.children, found.children, f"{where} > {bullet.head}")
    assert positions == sorted(positions), f"{where}: the seed's order is not kept"


def count_facts(bullets: list[Bullet]) -> int:
    return sum(1 + bool(b.description) + count_facts(b.children) for b in bullets)


SOURCES = ("committed", "fresh")
CASES = [(prefix, source) for prefix in PAGES for source in SOURCES]


# -- the facts ---------------------------------------------------------------------------------
def test_the_seed_pages_parse_into_the_expected_facts() -> None:
    """Guards the parser: a parser that found nothing would make every check below vacuous."""
    get_status, listing = seed_page("000"), seed_page("004")
    assert [b.head for b in get_status.bullets["Path Parameters"]] == ["job_id: string"]
    assert [b.head for b in listing.bullets["Query Parameters"]][:2] == [
        "directory_id: optional string",
        'job_type: optional "parse" or "extract" or "classify"',
    ]
    job = get_status.bullets["Returns"][0]
    assert job.head == "job: object { id, job_type, project_id, 14 more }" and len(job.children) == 17
    assert [c.head for c in job.children[1].children] == ['"parse"', '"extract"', '"classify"']
    assert count_facts(get_status.bullets["Returns"]) == 46
    assert count_facts(listing.bullets["Query Parameters"]) == 21


@pytest.mark.parametrize(("prefix", "source"), CASES)
def test_title_method_path_and_description(prefix: str, source: str) -> None:
    seed, page = seed_page(prefix), generated_page(source, PAGES[prefix])
    assert page.method_path == seed.method_path
    assert seed.description and seed.description in page.description


@pytest.mark.parametrize(("prefix", "source"), CASES)
def test_parameters_by_location_with_types_optionality_enums_and_descriptions(prefix: str, source: str) -> None:
    seed, page = seed_page(prefix), generated_page(source, PAGES[prefix])
    seed_sections = [s for s in PARAMETER_SECTIONS if s in seed.bullets]
    assert [s for s in PARAMETER_SECTIONS if s in page.bullets] == seed_sections
    for section in seed_sections:
        assert_carries(seed.bullets[section], page.bullets[section], f"{PAGES[prefix]} > {section}")
        assert [b.head for b in page.bullets[section]] == [b.head for b in seed.bullets[section]]


@pytest.mark.parametrize(("prefix", "source"), CASES)
def test_returns_every_field_recursively(prefix: str, source: str) -> None:
    seed, page = seed_page(prefix), generated_page(source, PAGES[prefix])
    assert_carries(seed.bullets["Returns"], page.bullets["Returns"], f"{PAGES[prefix]} > Returns")


@pytest.mark.parametrize(("prefix", "source"), CASES)
def test_the_curl_call_and_the_example_response(prefix: str, source: str) -> None:
    seed, page = seed_page(prefix), generated_page(source, PAGES[prefix])
    (seed_curl,) = seed.code["Example"]
    assert page.code["HTTP"] == [seed_curl]
    (seed_json,) = seed.code["Response"]
    (page_json,) = page.code["Response"]
    assert json.dumps(json.loads(page_json)) == json.dumps(json.loads(seed_json))  # values and key order
    assert page.code["Python"] and page.code["Command line"]


def test_the_index_links_every_operation_to_its_section() -> None:
    index = (GENERATED / "api.md").read_text(encoding="utf-8")
    api, _ = load_api(ROOT / "spec" / "openapi.yaml", "llamacloud")
    links = re.findall(r"\| \[([^\]]+)\]\(reference/(\w+)\.md#([\w-]+)\)", index)
    pages = {r.module: r for r in api.all_resources() if r.operations}
    # An operation's waits (`x-poll`) have a row of their own, linked to the operation's section.
    sections = {
        (title, module): op.summary
        for module, resource in pages.items()
        for op in resource.operations
        for title in (op.summary, *(wait_summary(op, wait) for wait in op.waits))
    }
    assert sorted((title, module) for title, module, _ in links) == sorted(sections)
    for title, module, anchor in links:
        section = sections[(title, module)]
        assert section in operation_pages((GENERATED / "reference" / f"{module}.md").read_text(encoding="utf-8"))
        assert anchor == section.lower().replace(" ", "-")
    assert "LLAMA_CLOUD_API_KEY" in index and "`Authorization: Bearer <key>`" in index


# -- the examples run ----------------------------------------------------------------------------
def seed_example(prefix: str) -> Any:
    return json.loads(seed_page(prefix).code["Response"][0])


def example_server(server: TestServer) -> None:
    """Answers each endpoint with its seed's example response (the list: one page of one job)."""

    def handler(request: RecordedRequest) -> Reply:
        if request.path.startswith("/api/v1/beta/batch-processing/"):
            return Reply(200, body=seed_example("000"))
        page = seed_example("004")
        offset = int(dict(request.query_params).get("offset", "0"))
        return Reply(200, body={"items": page["items"] if offset == 0 else [], "total_size": 1})

    server.set_handler(handler)


def example_env(server: TestServer) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LLAMA_CLOUD_", "LLAMACLOUD_"))}
    return {
        **env,
        "PYTHONPATH": str(GENERATED.parent),
        "LLAMA_CLOUD_API_KEY": API_KEY,
        "LLAMA_CLOUD_BASE_URL": server.url,
    }


@pytest.mark.parametrize("prefix", sorted(PAGES))
def test_the_python_example_runs(prefix: str) -> None:
    (code,) = generated_page("committed", PAGES[prefix]).code["Python"]
    with TestServer() as server:
        example_server(server)
        done = subprocess.run(
            [sys.executable, "-c", code], env=example_env(server), capture_output=True, text=True, timeout=60
        )
    assert (done.returncode, done.stderr) == (0, "")
    assert "bjb-aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee" in done.stdout


@pytest.mark.parametrize("prefix", sorted(PAGES))
def test_the_command_line_example_runs_and_prints_the_example_response(prefix: str) -> None:
    (code,) = generated_page("committed", PAGES[prefix]).code["Command line"]
    words = shlex.split(code.replace("\\\n", " "))
    assert words[0] == "llamacloud"
    with TestServer() as server:
        example_server(server)
        done = subprocess.run(
            [sys.executable, "-m", "llamacloud", *words[1:]],
            env=example_env(server),
            capture_output=True,
            text=True,
            timeout=60,
        )
        requests = [r.target for r in server.requests]
    assert (done.returncode, done.stderr) == (0, "")
    expected = seed_example(prefix)
    if prefix == "004":
        expected = {"items": expected["items"], "total_size": 1}
    assert json.loads(done.stdout) == expected
    assert requests == ["/api/v1/beta/batch-processing" + ("/job_id" if prefix == "000" else "")]


# -- Returns of allOf responses ----------------------------------------------------------------
ALL_OF_SPEC = """\
openapi: 3.0.3
info: {title: Files, version: '1'}
paths:
  /files/{id}:
    get:
      operationId: get_file
      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
      responses:
        '200':
          description: The file.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/FileFull'}
components:
  schemas:
    FileBase:
      type: object
      nullable: true
      required: [id, type]
      properties:
        id: {type: string, description: The file's id.}
        type: {type: string, enum: [file]}
    FileMini:
      allOf:
        - $ref: '#/components/schemas/FileBase'
        - properties:
            name: {type: string}
    FileFull:
      type: object
      required: [name]
      allOf:
        - $ref: '#/components/schemas/FileMini'
        - properties:
            size: {type: integer}
            permissions:
              allOf:
                - type: object
                  properties:
                    can_download: {type: boolean}
"""


def test_returns_lists_the_fields_of_an_all_of_response(tmp_path: Path) -> None:
    # Box writes most responses so: a model built of `allOf` parts, themselves `allOf`s of models.
    from generator.render.docs import doc_returns

    spec = tmp_path / "openapi.yaml"
    spec.write_text(ALL_OF_SPEC, encoding="utf-8")
    api, _ = load_api(spec, "files")
    (operation,) = api.operations()
    heads = [line.strip() for line in doc_returns(operation, api.schemas).splitlines() if line.strip().startswith("- ")]
    assert heads == [
        "- `id: string`",
        '- `type: "file"`',
        '- `"file"`',
        "- `name: string`",
        "- `size: optional number`",
        "- `permissions: optional object { can_download }`",
        "- `can_download: optional boolean`",
    ]
