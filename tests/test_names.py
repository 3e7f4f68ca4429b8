"""Names a spec's own words would stutter (issue 19): the API's title in the docs, the environment
variables' prefix, the params types of schemas already named `...Param`. The rules are in
`generator/naming.py`; the `names` fixture (tests/fixtures/names/, committed, compared byte for byte,
imported and type-checked by tests/test_golden.py) shows them in a package.
"""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path

import pytest
import update_goldens as goldens  # tests/ is on sys.path (conftest.py)
import yaml
from support.fixtures import Flavour, fixture_package, run
from support.server import Reply, TestServer

from generator.naming import api_name, params_class_name, title_env_prefix

NAMES = goldens.fixture_expected("names")


@pytest.mark.parametrize(
    ("title", "prefix", "named"),
    [
        ("OpenAI API", "OPENAI", "OpenAI API"),  # a word is kept whole: not OPEN_AI
        ("Stripe API", "STRIPE", "Stripe API"),
        ("Box Platform API", "BOX_PLATFORM", "Box Platform API"),
        ("Llama Platform", "LLAMA_PLATFORM", "Llama Platform API"),
        ("GitHub v3 REST API", "GITHUB", "GitHub v3 REST API"),
        ("Swagger Petstore - OpenAPI 3.0", "SWAGGER_PETSTORE", "Swagger Petstore - OpenAPI 3.0 API"),
        ("Discord HTTP API (Preview)", "DISCORD", "Discord HTTP API (Preview)"),
        ("The Acme APIs", "ACME", "The Acme APIs"),
        ("OAS 3.0", "OAS", "OAS 3.0 API"),
        # No name of one to three words: the package's name gives the prefix.
        ("names for a spec we do not own", "", "names for a spec we do not own API"),
        ("3scale API", "", "3scale API"),
        ("Пример API", "", "Пример API"),
    ],
)
def test_the_title_names_the_api_and_its_environment_variables(title: str, prefix: str, named: str) -> None:
    assert (title_env_prefix(title), api_name(title)) == (prefix, named)


def test_a_model_named_like_its_params_type_keeps_its_name() -> None:
    models = {"PromptCacheOptionsParam", "Metadata", "MetadataParam", "Job"}
    names = {m: params_class_name(m, models) for m in sorted(models)}
    assert names == {
        "Job": "JobParam",
        "Metadata": "MetadataDict",  # `MetadataParam` is the model `MetadataParam`'s
        "MetadataParam": "MetadataParam",
        "PromptCacheOptionsParam": "PromptCacheOptionsParam",
    }
    assert len(set(names.values())) == len(names)


def title_of(spec: Path) -> str:
    text = spec.read_text(encoding="utf-8")
    if spec.suffix == ".json":
        return str(json.loads(text)["info"]["title"])
    match = re.search(r"^info:\n(?:  .*\n)*?  title: (.+)$", text, re.MULTILINE)
    assert match, spec
    return str(yaml.safe_load(match.group(1)))


def test_the_real_specs_titles_give_their_prefixes() -> None:
    specs = sorted(p for p in goldens.REAL_SPECS.iterdir() if p.suffix in (".json", ".yaml"))
    assert {spec.name: title_env_prefix(title_of(spec)) for spec in specs} == {
        "box.json": "BOX_PLATFORM",
        "llamacloud-platform.json": "LLAMA_PLATFORM",
        "openai.yaml": "OPENAI",
        "stripe.yaml": "STRIPE",
    }


def test_no_stutter_in_the_docs_of_the_names_fixture() -> None:
    texts = {p.relative_to(NAMES).as_posix(): p.read_text(encoding="utf-8") for p in NAMES.rglob("*.*")}
    stutters = [name for name, text in texts.items() if re.search(r"API API|ParamParam", text)]
    assert stutters == []
    assert texts["README.md"].splitlines()[2] == "# Acme Payments API Python client"
    assert "# Acme Payments API reference" in texts["api.md"]
    assert "Acme Payments API client." in texts["_client.py"]
    assert 'title="Acme Payments API",' in texts["_cli/_commands.py"]


def test_the_environment_variables_come_from_the_title(
    server: TestServer, flavour: Flavour, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = fixture_package("names")
    monkeypatch.setenv("ACME_PAYMENTS_API_KEY", "env-token")
    monkeypatch.setenv("ACME_PAYMENTS_BASE_URL", server.url)
    server.enqueue(Reply(200, body={"id": "ch_1", "amount": 5}))

    async def create() -> object:
        if flavour == "sync":
            with package.Client(max_retries=0) as client:
                return client.charges.create(amount=5)
        async with package.AsyncClient(max_retries=0) as async_client:
            return await async_client.charges.create(amount=5)

    charge = asyncio.run(create())
    assert getattr(charge, "id", None) == "ch_1"
    assert server.requests[0].header("Authorization") == "Bearer env-token"
    schemes = {scheme.name: scheme.envs for scheme in package.Client._auth_schemes}
    assert schemes == {
        "bearer": ("ACME_PAYMENTS_API_KEY",),
        "admin_key": ("ACME_PAYMENTS_ADMIN_KEY",),
        "basic": ("ACME_PAYMENTS_USERNAME", "ACME_PAYMENTS_PASSWORD"),
    }


def test_params_types_of_models_named_param(server: TestServer, flavour: Flavour) -> None:
    params = fixture_package("names", "params")
    assert params.__all__ == ["MetadataDict", "MetadataParam", "PromptCacheOptionsParam"]
    server.enqueue(Reply(200, body={"id": "ch_1", "amount": 5}))
    cache: object = {"key": "k", "retention": "24h"}
    run(flavour, "names", server, lambda c: c.charges.create(amount=5, prompt_cache=cache, labels={"label": "x"}))
    assert server.requests[0].json() == {"amount": 5, "prompt_cache": cache, "labels": {"label": "x"}}
