"""The maintainer's loop walked whole, in one copy of the project: the README's "Adding an endpoint"
section followed (an endpoint of each kind it describes, under unused names where the spec has them
already), and the `[tool.generator]` settings a maintainer sets (custom code, template overrides, a
package version, strict mode) as the README documents them; then `python -m generator build` and
the README's test command, which must pass there whole. The fixture, fuzz and benchmark builds of
the suite pass `--isolated` and never see those settings; the tests of the project's own package
read what they expect from the package and the spec, not from today's spec or defaults. (One copy
for both: the suite runs once, not twice, in the `big` group.)
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import update_goldens as goldens  # tests/ is on sys.path (conftest.py)
from support.maintainer import NOT_COPIED, apply, edits, operations, readme_section, run, unused

REPO = goldens.REPO
# A maintainer's own code: a resource mixin with a method of its own, and client hooks that leave
# the request as it is (the suite checks exact bytes on the wire) but see every attempt.
CUSTOM = {
    "hooks.py": """import httpx

SEEN: list[str] = []


class ClientMixin:
    def on_request(self, request: httpx.Request) -> None:
        SEEN.append(request.method)


class AsyncClientMixin(ClientMixin):
    pass
""",
    "batch.py": """from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from ..models import BatchGetStatusResponse


class _Batch(Protocol):
    def get_status(self, job_id: str) -> BatchGetStatusResponse: ...


class BetaBatchResourceMixin:
    def is_done(self: _Batch, job_id: str) -> bool:
        return self.get_status(job_id).job.status == "completed"
""",
}
SETTINGS = 'custom = "custom"\ntemplates = "my_templates"\npackage-version = "9.8.7"\nstrict = true\n'


@pytest.mark.big
def test_the_suite_passes_after_adding_endpoints_with_the_project_settings_set(tmp_path: Path) -> None:
    copy = tmp_path / "project"
    shutil.copytree(REPO, copy, ignore=NOT_COPIED)
    blocks = unused(edits(readme_section()), copy / "spec")
    apply(copy, blocks)
    (copy / "custom").mkdir()
    for name, text in CUSTOM.items():
        (copy / "custom" / name).write_text(text, encoding="utf-8")
    (copy / "my_templates").mkdir()
    builtin = (REPO / "templates" / "client" / "api.md.jinja").read_text(encoding="utf-8")
    override = builtin + "\nThis reference is generated with our own template.\n"
    (copy / "my_templates" / "api.md.jinja").write_text(override, encoding="utf-8")
    pyproject = copy / "pyproject.toml"
    text = pyproject.read_text(encoding="utf-8")
    pyproject.write_text(re.sub(r"(\[tool\.generator\]\n)", r"\1" + SETTINGS, text, count=1), encoding="utf-8")

    done = run(copy, "-m", "generator", "build")
    assert (done.returncode, done.stderr) == (0, ""), done.stdout
    package = copy / "generated" / goldens.MAIN_PACKAGE
    assert (package / "_custom" / "batch.py").is_file()
    assert "our own template" in (package / "api.md").read_text(encoding="utf-8")
    assert '"9.8.7"' in (package / "_version.py").read_text(encoding="utf-8")
    resources = "".join(p.read_text(encoding="utf-8") for p in (package / "resources").glob("*.py"))
    assert all(f"def {method}(" in resources for method in operations(blocks))

    tests = run(copy, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--basetemp", str(tmp_path / "t"), timeout=1800)
    summary = tests.stdout.strip().splitlines()[-1] if tests.stdout.strip() else ""
    assert tests.returncode == 0, tests.stdout[-8000:] + tests.stderr[-2000:]
    assert re.search(r"\d+ passed", summary) and not re.search(r"failed|error", summary), summary
