"""The command line of a package with write endpoints (`python -m writes`, the `writes` fixture): one
flag per body property, typed like parameters, nested objects as JSON, files as `@PATH` sent as real
multipart parts, `--body` for the whole body with the fields' flags winning over its keys."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import update_goldens as goldens  # tests/ is on sys.path (conftest.py)
from support.multipart import multipart
from support.server import Reply, TestServer

API_KEY = "cli-writes-key-0123456789"
JOB = {"id": "bjb-1", "status": "pending"}
FILE = {"id": "file-1", "name": "a.pdf"}


def writes(server: TestServer, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("WRITES_")}
    env.update(
        PYTHONPATH=str(goldens.fixture_expected("writes").parent),
        COLUMNS="200",
        WRITES_API_KEY=API_KEY,
        WRITES_BASE_URL=server.url,
    )
    return subprocess.run(
        [sys.executable, "-m", "writes", *args], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )


def test_one_flag_per_body_property(server: TestServer, tmp_path: Path) -> None:
    server.enqueue(Reply(200, body=JOB), Reply(200, body={"job_id": "bjb-1", "status": "cancelled"}))
    created = writes(
        server,
        tmp_path,
        *("beta:batch", "create", "--job-config", '{"job_name": "parse_raw_file_job", "parameters": {"lang": "en"}}'),
        *("--directory-id", "dir-1", "--item-ids", "a", "--item-ids", "b", "--page-size", "10"),
        *("--temporal-namespace", "ns", "--project-id", "p1"),
    )
    assert (created.returncode, created.stderr, json.loads(created.stdout)) == (0, "", JOB)
    cancelled = writes(server, tmp_path, "beta:batch", "cancel", "--job-id", "bjb-1", "--reason", "too slow")
    assert cancelled.returncode == 0, cancelled.stderr
    create, cancel = server.requests
    assert (create.target, create.header("temporal-namespace")) == ("/api/v1/beta/batch-processing?project_id=p1", "ns")
    assert create.body == (
        b'{"job_config":{"job_name":"parse_raw_file_job","parameters":{"lang":"en"}},"directory_id":"dir-1",'
        b'"item_ids":["a","b"],"page_size":10}'
    )
    assert cancel.body == b'{"reason":"too slow"}'


def test_a_file_flag_sends_the_file_as_a_part(server: TestServer, tmp_path: Path) -> None:
    (tmp_path / "a.pdf").write_bytes(b"%PDF-1.7\x00\xff")
    server.enqueue(Reply(200, body=FILE))
    done = writes(server, tmp_path, "files", "create", "--file", "@a.pdf", "--purpose", "parse")
    assert done.returncode == 0, done.stderr
    file, purpose = multipart(server.requests[0])
    assert file.headers == [
        ("Content-Disposition", 'form-data; name="file"; filename="a.pdf"'),
        ("Content-Type", "application/pdf"),
    ]
    assert (file.content, purpose.name, purpose.content) == (b"%PDF-1.7\x00\xff", "purpose", b"parse")


def test_the_whole_body_as_json_under_the_flags(server: TestServer, tmp_path: Path) -> None:
    (tmp_path / "a.pdf").write_bytes(b"PDF")
    (tmp_path / "body.json").write_text('{"purpose": "user_data", "file": "@a.pdf", "tag": "x"}', encoding="utf-8")
    server.enqueue(Reply(200, body=FILE), Reply(200, body=JOB))
    upload = writes(server, tmp_path, "files", "create", "--body", "@body.json", "--purpose", "parse")
    assert upload.returncode == 0, upload.stderr
    create = writes(server, tmp_path, "beta:batch", "create", "--body", '{"job_config": {}, "directory_id": "d"}')
    assert create.returncode == 0, create.stderr
    parts = multipart(server.requests[0])
    # The flag wins over the key; `@PATH` in --body is a file too; keys no field has go as they are.
    assert [(p.name, p.filename, p.content) for p in parts] == [
        ("file", "a.pdf", b"PDF"),
        ("purpose", None, b"parse"),
        ("tag", None, b"x"),
    ]
    assert server.requests[1].body == b'{"job_config":{},"directory_id":"d"}'


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["beta:batch", "create", "--directory-id", "d"], "the following arguments are required: --job-config"),
        (["files", "create", "--purpose", "parse"], "the following arguments are required: --file"),
        (["files", "create", "--file", "a.pdf", "--purpose", "p"], "expected @PATH (a file to upload)"),
        (["files", "create", "--file", "@absent.pdf", "--purpose", "p"], "cannot read absent.pdf"),
        (["beta:batch", "create", "--job-config", "[1]"], "expected a JSON object"),
        (["beta:batch", "create", "--job-config", "{}", "--page-size", "ten"], "expected an integer"),
        (["files", "create", "--body", '{"file": "a.pdf", "purpose": "p"}'], "--file takes a file"),
    ],
)
def test_bad_body_flags_are_usage_errors(server: TestServer, tmp_path: Path, args: list[str], message: str) -> None:
    done = writes(server, tmp_path, *args)
    assert done.returncode == 2, done.stderr
    assert message in done.stderr
    assert server.requests == []


def test_the_help_lists_the_body_flags(server: TestServer, tmp_path: Path) -> None:
    done = writes(server, tmp_path, "files", "create", "--help")
    assert done.returncode == 0
    body = " ".join(done.stdout.split("request body:")[1].split("global options:")[0].split())
    assert "--file @FILE The file to upload (required)" in body
    assert "--external-file-id STRING The ID of the file in the external system" in body
    assert "--body JSON the whole body as a JSON object" in body
    assert "writes files create --file @file.pdf --purpose purpose" in done.stdout  # the example
