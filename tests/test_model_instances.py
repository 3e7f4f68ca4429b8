"""The models accept every value their schema accepts, and give it back unchanged.

Instances are drawn from each component schema of the real specs of tests/real_specs with a JSON
Schema instance generator (hypothesis-jsonschema), kept when an OpenAPI-aware validator
(openapi-schema-validator: OAS 3.0's `nullable`, 3.1's JSON Schema, discriminators, formats) accepts
them, then parsed from JSON by the generated models and dumped back
(`model_dump(mode="json", by_alias=True, exclude_unset=True)`): the result must be the input, up to
the way date-times, numbers and UUIDs are written. The specs' own examples (schemas' `example` and
`examples`, media types' examples, Example Objects) go the same way, each first checked against its
schema: one its schema refuses is the spec's problem, counted apart, not a failure.

The default run draws a sample of the platform spec's schemas (a few seconds; its build is shared
with tests/test_platform_smoke.py) and parses all its examples; the `big` group draws every schema of
every spec and parses every example (tests/support/instances.py says how; bench/model_instances.py
prints the counts recorded in BENCHMARKS.md).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

import pytest
from support.instances import Schemas, component_classes, load_document
from support.round_trip import Case, Failure, round_trips
from support.shared import Build, Wanted, build_once
from support.spec_examples import examples

SPECS = Path(__file__).resolve().parent / "real_specs"


@dataclass(frozen=True)
class Spec:
    file: str
    package: str  # as the other tests build it, so the build is shared

    @property
    def wanted(self) -> Wanted:
        return Wanted(SPECS / self.file, self.package, seed=None)


PLATFORM = Spec("llamacloud-platform.json", "llamaplatform")
ALL = {
    "platform": PLATFORM,
    "box": Spec("box.json", "box_client"),
    "stripe": Spec("stripe.yaml", "stripe_client"),
    "openai": Spec("openai.yaml", "openai_client"),
}
SAMPLE = 8  # schemas drawn in the default run (with the schemas their values hold)
PER_SCHEMA = 3  # instances drawn from each schema


def built(spec: Spec, factory: pytest.TempPathFactory) -> Build:
    done = build_once(factory, spec.wanted)
    assert done.returncode == 0, done.stdout + done.stderr
    return done


def drawn_failures(spec: Spec, factory: pytest.TempPathFactory, names: list[str] | None, work: Path) -> list[Failure]:
    built_spec = built(spec, factory)
    document = load_document(SPECS / spec.file)
    schemas = Schemas(document)
    classes = component_classes(SPECS / spec.file)
    wanted = names if names is not None else list(schemas.components)
    drawn = schemas.draw_components(wanted, PER_SCHEMA, seed=0)
    cases = [
        Case(name, {"class": classes[name], "path": [], "nullable": schemas.admits_null(name)}, drawn[name])
        for name in wanted
    ]
    # Every schema gives instances, but those that admit none within the generator's depth.
    assert sum(1 for name in wanted if drawn[name]) >= 0.95 * len(wanted)
    return round_trips(built_spec.out, spec.package, cases, work)


def example_failures(spec: Spec, factory: pytest.TempPathFactory, work: Path) -> tuple[list[Failure], int]:
    """Failures of the spec's examples its schemas accept, and how many they refuse."""
    built_spec = built(spec, factory)
    document = load_document(SPECS / spec.file)
    schemas = Schemas(document)
    cases, refused = [], 0
    for example in examples(document, component_classes(SPECS / spec.file)):
        if schemas.problems(example.value, example.schema):
            refused += 1
        elif example.target is not None:
            cases.append(Case(example.where, example.target, [example.value]))
    assert cases
    return round_trips(built_spec.out, spec.package, cases, work), refused


def report(failures: list[Failure]) -> str:
    return f"{len(failures)} failures:\n" + "\n".join(map(str, failures[:20]))


@pytest.mark.slow
def test_a_sample_of_the_platform_schemas_round_trips(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> None:
    names = sorted(Schemas(load_document(SPECS / PLATFORM.file)).components)
    sample = random.Random(19).sample(names, SAMPLE)
    failures = drawn_failures(PLATFORM, tmp_path_factory, sample, tmp_path)
    assert not failures, report(failures)


def test_the_platform_examples_round_trip(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> None:
    failures, _ = example_failures(PLATFORM, tmp_path_factory, tmp_path)
    assert not failures, report(failures)


@pytest.mark.big
@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(ALL))
def test_every_schema_round_trips(name: str, tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> None:
    failures = drawn_failures(ALL[name], tmp_path_factory, None, tmp_path)
    assert not failures, report(failures)


@pytest.mark.big
@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(set(ALL) - {"stripe"}))  # stripe.yaml holds no example
def test_every_example_round_trips(name: str, tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> None:
    failures, _ = example_failures(ALL[name], tmp_path_factory, tmp_path)
    assert not failures, report(failures)
