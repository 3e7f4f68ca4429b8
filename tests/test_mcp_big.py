"""The MCP server of a large API (tests/real_specs/stripe.yaml, 468 operations): above 64 tools it
offers the three tools of the dynamic mode; `list_operations` finds an operation by words of its
description, `describe_operation` gives its input schema and `invoke_operation` calls it on the local
server. Every tool's schemas are valid JSON Schema and every name is unique and at most 64 characters.
The build is the one tests/test_big_specs.py makes (shared within a run), so this is `big` too."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import anyio
import jsonschema
import pytest
from mcp import Client
from support.mcp_client import call, package_env, stdio, text_of, tools_list
from support.server import Reply, TestServer
from support.shared import Wanted, build_once

SPEC = Path(__file__).resolve().parent / "real_specs" / "stripe.yaml"
CUSTOMER = {"id": "cus_1", "object": "customer", "created": 1, "livemode": False}
pytestmark = pytest.mark.big


@pytest.fixture(scope="module")
def stripe(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder holding the built `stripe_client`."""
    done = build_once(tmp_path_factory, Wanted(SPEC, "stripe_client", seed=None))
    assert done.returncode == 0, done.stdout + done.stderr
    return done.out


@pytest.mark.slow
def test_the_dynamic_mode_finds_describes_and_invokes_an_operation(stripe: Path) -> None:
    with TestServer() as server:
        env = package_env(stripe, STRIPE_API_KEY="sk_test_123", STRIPE_BASE_URL=server.url)
        server.enqueue(Reply(200, body=CUSTOMER))

        async def main() -> None:
            client: Client
            async with stdio("stripe_client", env) as client:
                names = [tool["name"] for tool in await tools_list(client)]
                assert names == ["list_operations", "describe_operation", "invoke_operation"]
                found = await call(client, "list_operations", {"search": "Retrieves a Customer object", "limit": 3})
                assert found["structuredContent"]["operations"][0] == {
                    "name": "customers_get_customer",
                    "title": "Get customer",
                    "method": "GET",
                    "path": "/v1/customers/{customer}",
                }
                described = await call(client, "describe_operation", {"name": "customers_get_customer"})
                schema = described["structuredContent"]["inputSchema"]
                assert schema["required"] == ["customer"]
                assert described["structuredContent"]["description"] == "Retrieves a Customer object."
                jsonschema.Draft202012Validator.check_schema(schema)
                invoked = await call(
                    client,
                    "invoke_operation",
                    {"name": "customers_get_customer", "arguments": {"customer": "cus_1", "expand": ["subscriptions"]}},
                )
                assert (invoked["isError"], json.loads(text_of(invoked))) == (False, CUSTOMER)

        anyio.run(main)
        request = server.requests[0]
        assert (request.method, request.target) == ("GET", "/v1/customers/cus_1?expand=subscriptions")
        assert request.header("authorization") == "Bearer sk_test_123"


@pytest.mark.slow
def test_every_tool_is_named_once_within_64_characters_with_valid_schemas(stripe: Path) -> None:
    sys.path.insert(0, str(stripe))
    try:
        from stripe_client._mcp._table import OUTPUT_SCHEMA_LIMIT, all_tools
        from stripe_client._mcp._table import _table as table
    finally:
        sys.path.remove(str(stripe))
    tools = all_tools()
    names = [tool.name for tool in tools]
    assert len(names) == len(set(names)) == 468
    assert max(len(name) for name in names) == 64
    # Every schema at once, beside the components they refer to (each tool's own `$defs` are these).
    every = [schema for tool in tools for schema in (tool.input_schema, tool.output_schema) if schema]
    jsonschema.Draft202012Validator.check_schema({"$defs": table()["defs"], "anyOf": every})
    assert all(schema["type"] == "object" for schema in every)
    # The output schemas reaching most of the components are left out of the definitions.
    declared = [tool.definition() for tool in tools[:40]]
    assert all(len(json.dumps(d.get("outputSchema", {}))) <= OUTPUT_SCHEMA_LIMIT for d in declared)
    assert all(len(d["inputSchema"]) >= 3 for d in declared)
