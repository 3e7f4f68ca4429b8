"""The venv that proves the generated packages work on the lowest versions they declare: prints its pip
requirements, one a line (`python3 tests/support/floors.py`, as .ci/run does). Each dependency of the
committed package's `pyproject.toml` pinned at its lower bound (`httpx>=0.27.0,<1` -> `httpx==0.27.0`),
and the test tools at the versions of the project's dev dependencies. Standard library only: it runs
before anything is installed."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE_PYPROJECT = ROOT / "generated" / "llamacloud" / "pyproject.toml"
# What running tests/runtime_tests.txt takes besides the package's dependencies: pytest with the
# parallel workers the project's `addopts` ask for.
TEST_TOOLS = ("pytest", "pytest-xdist", "execnet")
_LOWER_BOUND = re.compile(r"([A-Za-z0-9_.-]+)\s*>=\s*([^,;\s]+)")


def floor_pins(dependencies: list[str]) -> list[str]:
    """`name==lowest` for each `name>=lowest,...` requirement; one without a lower bound is an error."""
    pins = []
    for dependency in dependencies:
        found = _LOWER_BOUND.match(dependency)
        if found is None:
            raise ValueError(f"{dependency!r} declares no lowest version")
        pins.append(f"{found.group(1)}=={found.group(2)}")
    return pins


def requirements() -> list[str]:
    package = tomllib.loads(PACKAGE_PYPROJECT.read_text(encoding="utf-8"))["project"]["dependencies"]
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    dev = project["project"]["optional-dependencies"]["dev"]
    tools = [pin for pin in dev if pin.split("==")[0] in TEST_TOOLS]
    return [*floor_pins(package), *tools]


if __name__ == "__main__":
    print("\n".join(requirements()))
