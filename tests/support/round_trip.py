"""Whether a generated package's models take values back unchanged: each case (what parses it, its
instances) is parsed from JSON in a fresh interpreter (parse_back.py) and dumped back as
`model_dump(mode="json", by_alias=True, exclude_unset=True)`; what is refused, or comes back other
than it went, up to the way date-times, numbers and UUIDs are written, is a failure.
"""

from __future__ import annotations

import datetime
import json
import math
import os
import subprocess
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Case:
    name: str  # what the instances come from (a schema's name, an example's pointer)
    target: dict[str, Any]  # what parses them (see parse_back.py)
    instances: list[Any]


@dataclass(frozen=True)
class Failure:
    case: str
    instance: Any
    why: str

    def __str__(self) -> str:
        return f"{self.case}: {self.why}\n    input: {json.dumps(self.instance)[:400]}"


def round_trips(out: Path, package: str, cases: list[Case], work: Path) -> list[Failure]:
    """What the models of `package` (in folder `out`) refuse or give back changed, in a fresh interpreter."""
    payload = work / "cases.json"
    payload.write_text(json.dumps([{"target": c.target, "instances": c.instances} for c in cases]), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(Path(__file__).with_name("parse_back.py")), package, str(payload)],
        cwd=out,
        env={**os.environ, "PYTHONPATH": str(out)},
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    failures: list[Failure] = []
    for case, results in zip(cases, json.loads(done.stdout), strict=True):
        for value, result in zip(case.instances, results, strict=True):
            if "refused" in result or "missing" in result:
                why = "refused: " + result["refused"] if "refused" in result else "no parser: " + result["missing"]
                failures.append(Failure(case.name, value, why))
                continue
            difference = differs(value, result["dumped"])
            if difference is not None:
                failures.append(
                    Failure(case.name, value, f"changed at {difference}: {json.dumps(result['dumped'])[:400]}")
                )
    return failures


def differs(sent: Any, back: Any, at: str = "") -> str | None:
    """Where `back` is not `sent`, up to date-times, numbers and UUIDs written otherwise; None if equal."""
    if isinstance(sent, dict) and isinstance(back, dict):
        if set(sent) != set(back):
            return f"{at or '/'} (keys {sorted(set(sent) ^ set(back))[:5]})"
        for key in sent:
            found = differs(sent[key], back[key], f"{at}/{key}")
            if found is not None:
                return found
        return None
    if isinstance(sent, list) and isinstance(back, list):
        if len(sent) != len(back):
            return at or "/"
        for index, (a, b) in enumerate(zip(sent, back, strict=True)):
            found = differs(a, b, f"{at}/{index}")
            if found is not None:
                return found
        return None
    if isinstance(sent, bool) or isinstance(back, bool):
        return None if sent is back else at or "/"
    if isinstance(sent, int | float) and isinstance(back, int | float | str):
        try:
            other = float(back)
        except ValueError:
            return at or "/"
        return None if math.isclose(float(sent), other, rel_tol=1e-9, abs_tol=1e-300) else at or "/"
    if isinstance(sent, str) and isinstance(back, str):
        return None if sent == back or _same_value(sent, back) else at or "/"
    return None if sent == back else at or "/"


def _same_value(a: str, b: str) -> bool:
    for parse in (_datetime, datetime.date.fromisoformat, _time, uuid.UUID, float):
        try:
            if parse(a) == parse(b):
                return True
        except (ValueError, TypeError, OverflowError):
            continue
    return False


def _datetime(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text.replace("z", "Z").replace("t", "T"))


def _time(text: str) -> datetime.time:
    return datetime.time.fromisoformat(text.replace("z", "Z"))
