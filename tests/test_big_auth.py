"""Credentials and webhooks on the large real specs (marked `big`, like tests/test_big_specs.py, whose
builds they share): Box's token endpoint (`security: []`) is callable with no credentials while its
other operations ask for them before sending; an OpenAI admin operation sends `admin_api_key`; and
OpenAI's 16 webhook events unwrap to their models from payloads built from the spec's schemas and
signed here."""

from __future__ import annotations

import json
import urllib.parse

import pytest
import yaml
from support.server import Reply, TestServer
from support.shared import Wanted, build_once
from test_big_specs import CASES, Big, run_python

pytestmark = pytest.mark.big


def built(tmp_path_factory: pytest.TempPathFactory, name: str) -> Big:
    case = CASES[name]
    done = build_once(tmp_path_factory, Wanted(case.spec, case.package, seed=None))
    assert done.returncode == 0, done.stdout + done.stderr
    return Big(case, done.out, done.returncode, done.stdout, done.stderr)


BOX_CALLS = """
import json, os, sys
import box_client

for name in [n for n in os.environ if n.startswith("BOX_PLATFORM_")]:
    del os.environ[name]
# No credentials: the constructor allows it. The token endpoint's own server is the local one too.
client = box_client.Client(base_url=sys.argv[1], server_urls={"https://api.box.com": sys.argv[1]}, max_retries=0)
token = client.authorization.post_oauth2_token(
    grant_type="urn:ietf:params:oauth:grant-type:jwt-bearer",
    client_id="box-client",
    client_secret="box-secret",
    assertion="signed-jwt",
    box_subject_type="enterprise",
    box_subject_id="4242",
)
try:
    client.files.get_id("12345")
    missing = ""
except box_client.MissingCredentialsError as error:
    missing = str(error)
file = client.with_options(access_token=token.access_token).files.get_id("12345")
print(json.dumps([type(token).__name__, token.access_token, missing, type(file).__name__, file.id]))
"""


@pytest.mark.slow
def test_box_token_endpoint_needs_no_credentials_and_its_token_then_serves(
    tmp_path_factory: pytest.TempPathFactory, server: TestServer
) -> None:
    big = built(tmp_path_factory, "box")
    token = {"access_token": "box-token-1", "expires_in": 3600, "token_type": "bearer"}
    server.enqueue(Reply(200, body=token), Reply(200, body={"id": "12345", "type": "file"}))
    name, access, missing, file_class, file_id = json.loads(run_python(big, BOX_CALLS, server.url))
    assert (name, access, file_class, file_id) == ("AccessToken", "box-token-1", "FileFull", "12345")
    assert missing.startswith("No credentials for this call: pass `access_token=`")
    assert "BOX_PLATFORM_ACCESS_TOKEN" in missing
    fetched, got = server.requests
    assert (fetched.method, fetched.path, fetched.header("authorization")) == ("POST", "/oauth2/token", None)
    assert dict(urllib.parse.parse_qsl(fetched.body.decode()))["box_subject_id"] == "4242"
    assert (got.path, got.header("authorization")) == ("/files/12345", "Bearer box-token-1")


OPENAI_ADMIN = """
import json, os, sys
import openai_client

os.environ.pop("OPENAI_ADMIN_API_KEY", None)
client = openai_client.Client(api_key="sk-project", base_url=sys.argv[1], max_retries=0)
try:
    client.organization.admin_api_keys_list(limit=1)
    missing = ""
except openai_client.MissingCredentialsError as error:
    missing = str(error)
admin = client.with_options(admin_api_key="sk-admin-1234")
page = admin.organization.admin_api_keys_list(limit=1)
print(json.dumps([missing, type(page).__name__]))
"""


@pytest.mark.slow
def test_an_openai_admin_operation_sends_the_admin_api_key(
    tmp_path_factory: pytest.TempPathFactory, server: TestServer
) -> None:
    big = built(tmp_path_factory, "openai")
    listing = {"object": "list", "data": [], "has_more": False, "first_id": None, "last_id": None}
    server.enqueue(Reply(200, body=listing))
    missing, _ = json.loads(run_python(big, OPENAI_ADMIN, server.url))
    assert missing == "No credentials for this call: pass `admin_api_key=` to the client or set OPENAI_ADMIN_API_KEY."
    (request,) = server.requests
    assert request.header("authorization") == "Bearer sk-admin-1234"
    assert request.path == "/organization/admin_api_keys"


OPENAI_WEBHOOKS = """
import base64, hashlib, hmac, json, sys, time
import openai_client
from support.samples import sample
import yaml

document = yaml.load(open(sys.argv[1], encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
components = document["components"]["schemas"]
key = b"openai-webhook-key-0123456789abcd"
client = openai_client.Client(webhook_secret="whsec_" + base64.b64encode(key).decode())
found = {}
for name, item in document["webhooks"].items():
    schema = item["post"]["requestBody"]["content"]["application/json"]["schema"]
    body = json.dumps(sample(schema, components)).encode()
    stamp = str(int(time.time()))
    digest = hmac.new(key, f"msg_{name}.{stamp}.".encode() + body, hashlib.sha256).digest()
    headers = {
        "webhook-id": f"msg_{name}",
        "webhook-timestamp": stamp,
        "webhook-signature": "v1," + base64.b64encode(digest).decode(),
    }
    event = client.webhooks.unwrap(body, headers)
    found[name] = [type(event).__name__, event.type]
    tampered = body.replace(b'"id"', b'"ID"', 1)
    try:
        client.webhooks.unwrap(tampered, headers)
        found[name].append("accepted")
    except openai_client.WebhookVerificationError:
        pass
print(json.dumps(found))
"""


@pytest.mark.slow
def test_openai_webhook_events_unwrap_to_their_models(tmp_path_factory: pytest.TempPathFactory) -> None:
    big = built(tmp_path_factory, "openai")
    document = yaml.safe_load(big.case.spec.read_text(encoding="utf-8"))
    code = "import sys; sys.path.insert(0, " + repr(str(big.case.spec.parents[1])) + ")\n" + OPENAI_WEBHOOKS
    found = json.loads(run_python(big, code, str(big.case.spec)))
    assert len(found) == len(document["webhooks"]) == 16
    for name, (model, tag) in found.items():
        schema = document["webhooks"][name]["post"]["requestBody"]["content"]["application/json"]["schema"]
        assert model == schema["$ref"].rsplit("/", 1)[1], name
        assert tag == document["components"]["schemas"][model]["properties"]["type"]["enum"][0]
