"""Spec text never becomes code, and hostile documents fail cleanly and fast."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from support.shared import MYPY_STRICT, mypy_cache

from generator.cli import main

ROOT = Path(__file__).resolve().parents[1]


def hostile_spec(marker: Path) -> dict[str, Any]:
    """Every text slot carries something that would run, break a string or confuse a template."""
    escape = f'"""; import os; os.system("touch {marker}") #'
    escape_single = f"'''; import os; os.system('touch {marker}') #"
    weird = "back\\slash {{ x }} {% if %} \x00nul \r\ncr \u2028 ls \x07 " + "long " * 400 + "ünïcødé 🎉 \\"
    return {
        "openapi": "3.1.0",
        "info": {"title": escape, "version": escape_single, "description": weird},
        "servers": [{"url": 'https://x.test/"; import os'}],
        "paths": {
            "/items/{item-id}": {
                "get": {
                    "operationId": "get_item",
                    "summary": escape,
                    "description": escape + "\n" + weird,
                    "parameters": [
                        {"name": "item-id", "in": "path", "required": True, "schema": {"type": "string"}},
                        {
                            "name": "class",
                            "in": "query",
                            "description": weird,
                            "schema": {"type": "string", "enum": [escape, escape_single, "a\\b", "x\ny"]},
                        },
                        {
                            # Quotes of both kinds cannot be in a header name (not an HTTP token): a
                            # single quote and a backtick can, and must stay inert in the code too.
                            "name": "X-Weird'Header`|~",
                            "in": "header",
                            "schema": {"type": "string", "default": escape},
                        },
                    ],
                    "responses": {
                        "200": {
                            "description": escape,
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": '#/components/schemas/Evil"Model'},
                                    "example": {"a": escape},
                                }
                            },
                        }
                    },
                }
            }
        },
        "components": {
            "schemas": {
                'Evil"Model': {
                    "type": "object",
                    "title": escape,
                    "description": escape + weird,
                    "properties": {
                        escape: {"type": "string", "description": escape, "default": escape_single},
                        "json": {"type": "string", "default": '\\"\n'},
                        "model_config": {"type": "integer"},
                        "class": {"type": "string", "enum": [escape, escape_single, "{{x}}", "\x00"]},
                        "kind": {"type": "string", "const": escape},
                    },
                }
            }
        },
    }


@pytest.mark.slow
def test_hostile_text_stays_inert(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    marker = tmp_path / "pwned"
    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps(hostile_spec(marker)), encoding="utf-8")
    assert main(["build", "--isolated", "--spec", str(spec), "--out", str(tmp_path / "out"), "--package", "evil"]) == 0
    script = (
        "import evil, evil.models, evil.resources.items as r\n"
        "m = evil.models.EvilModel.model_validate({'json': 'x', 'model_config': 1, 'class': 'a'})\n"
        "assert m.json_ == 'x' and m.model_config_ == 1\n"
        "print(sorted(evil.models.EvilModel.model_fields))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=tmp_path / "out", capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert not marker.exists(), "text from the spec was executed"
    # The wire names survive as aliases; the Python names are safe identifiers.
    assert "json_" in done.stdout and "model_config_" in done.stdout and "class_" in done.stdout
    cache = mypy_cache(tmp_path_factory, tmp_path / "mypy")
    checked = subprocess.run(
        [sys.executable, "-m", "mypy", *MYPY_STRICT, "--cache-dir", str(cache), "evil"],
        cwd=tmp_path / "out",
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode == 0, checked.stdout
    assert not marker.exists()


def write_bomb(path: Path) -> None:
    lines = [
        "openapi: 3.1.0",
        "info: {title: t, version: '1'}",
        "x-a0: &a0 [lol, lol, lol, lol, lol, lol, lol]",
    ]
    lines += [f"x-a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 10)]
    path.write_text("\n".join([*lines, "paths: {}", ""]), encoding="utf-8")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("bomb.yaml", None, "expands to more than 20,000,000 values through YAML aliases"),
        ("deep.yaml", "openapi: 3.1.0\npaths: {}\nx: " + "[" * 20000 + "]" * 20000, "nests deeper than 300"),
        (
            "deep.json",
            '{"openapi": "3.1.0", "x": ' + "[" * 20000 + "]" * 20000 + "}",
            "nests deeper than 300",
        ),
        ("tag.yaml", "openapi: 3.1.0\ninfo: !!python/object/apply:os.system ['true']\n", "invalid YAML"),
    ],
)
def test_hostile_documents_fail_cleanly(
    name: str, content: str | None, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = tmp_path / name
    if content is None:
        write_bomb(spec)
    else:
        spec.write_text(content, encoding="utf-8")
    code = main(["build", "--isolated", "--spec", str(spec), "--out", str(tmp_path / "out"), "--package", "p"])
    err = capsys.readouterr().err
    assert code == 2
    assert message in err, err
    assert not (tmp_path / "out").exists()


def test_remote_refs_are_fetched_only_when_allowed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from support.server import Reply, TestServer

    with TestServer() as server:
        documents = {
            "/schemas/thing.yaml": "Thing:\n  type: object\n  properties:\n    part: {$ref: 'part.yaml#/Part'}\n",
            "/schemas/part.yaml": "Part:\n  type: object\n  properties:\n    n: {type: integer}\n",
        }
        server.set_handler(lambda request: Reply(200, body=documents[request.path].encode()))
        spec = tmp_path / "spec.yaml"
        spec.write_text(
            "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths:\n  /t:\n    get:\n      responses:\n"
            "        '200':\n          description: ok\n          content:\n            application/json:\n"
            f"              schema: {{$ref: '{server.url}/schemas/thing.yaml#/Thing'}}\n",
            encoding="utf-8",
        )
        argv = ["build", "--isolated", "--spec", str(spec), "--out", str(tmp_path / "out"), "--package", "remote"]
        assert main(argv) == 2
        assert "pass --allow-remote-refs to fetch it" in capsys.readouterr().err
        assert server.requests == []  # nothing fetched without the flag
        assert main([*argv, "--allow-remote-refs"]) == 0
        assert [r.path for r in server.requests] == ["/schemas/thing.yaml", "/schemas/part.yaml"]
    folder = tmp_path / "out" / "remote" / "models"
    models = "".join(p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.py")))
    assert "class Thing(BaseModel):" in models and "class Part(BaseModel):" in models
