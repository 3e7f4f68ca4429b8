"""Rows 4, 5 and 7: the generated client at run time, in this process, on an in-memory transport."""

from __future__ import annotations

import functools
import gc
import importlib
import json
import sys
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

import httpx
import yaml
from common import Row, Settings, Target, median

BASE_URL = "http://test"
JOB_ID = "bjb-aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"
STATUS_URL = f"{BASE_URL}/api/v1/beta/batch-processing/{JOB_ID}"
PAGE_SIZE = 100
PAGES = 100
WARM_UP_CALLS = 200


def generated_package(settings: Settings) -> Any:
    """The committed `generated/llamacloud` (of the snapshot), imported by path: it is not installed."""
    if str(settings.generated) not in sys.path:
        sys.path.insert(0, str(settings.generated))
    return importlib.import_module("llamacloud")


def seed_examples(settings: Settings) -> tuple[Any, Any]:
    """(get_status example, one job of the list example), from spec/paths/batch.yaml."""
    paths = yaml.safe_load((settings.code / "spec" / "paths" / "batch.yaml").read_text(encoding="utf-8"))

    def example(item: str) -> Any:
        return paths[item]["get"]["responses"]["200"]["content"]["application/json"]["example"]

    return example("job"), example("list")["items"][0]


def json_transport(body: bytes) -> httpx.MockTransport:
    headers = {"content-type": "application/json"}
    return httpx.MockTransport(lambda request: httpx.Response(200, content=body, headers=headers))


def cpu_per_call(call: Callable[[], object], calls: int) -> float:
    """Microseconds of process CPU time per call, over `calls` calls."""
    started = time.process_time()
    for _ in range(calls):
        call()
    return (time.process_time() - started) / calls * 1e6


def _status_callers(settings: Settings, transport: httpx.MockTransport) -> dict[str, Callable[[], Any]]:
    ours = generated_package(settings).Client(
        api_key="x", base_url=BASE_URL, http_client=httpx.Client(transport=transport)
    )
    llama_cloud: Any = importlib.import_module("llama_cloud")
    peer = llama_cloud.LlamaCloud(api_key="x", base_url=BASE_URL, http_client=httpx.Client(transport=transport))
    raw = httpx.Client(transport=transport)
    return {
        "ours": lambda: ours.beta.batch.get_status(JOB_ID),
        "raw": lambda: json.loads(raw.get(STATUS_URL).content),
        "llama-cloud": lambda: peer.beta.batch.get_status(JOB_ID),
    }


def _same_answers(callers: dict[str, Callable[[], Any]]) -> None:
    ids = {callers["ours"]().job.id, callers["llama-cloud"]().job.id, callers["raw"]()["job"]["id"]}
    if ids != {JOB_ID}:
        raise RuntimeError(f"the three callers disagree on the job: {ids}")


@functools.cache
def status_call_costs(settings: Settings) -> dict[str, list[float]]:
    """CPU microseconds per get_status call for each caller, one figure per repetition; the three
    callers alternate within every repetition. Shared by rows 4 and 5 (measured once per run)."""
    status, _ = seed_examples(settings)
    callers = _status_callers(settings, json_transport(json.dumps(status).encode()))
    _same_answers(callers)
    for call in callers.values():
        cpu_per_call(call, WARM_UP_CALLS)
    samples: dict[str, list[float]] = {name: [] for name in callers}
    for _ in range(settings.loop_repeats):
        for name, call in callers.items():
            samples[name].append(cpu_per_call(call, settings.calls))
    return samples


def _call_details(samples: dict[str, list[float]], calls: int, names: tuple[str, ...]) -> list[str]:
    return [
        f"{name}: " + ", ".join(f"{value:.1f}" for value in samples[name]) + f" us/call ({calls} calls each)"
        for name in names
    ]


def call_vs_raw(settings: Settings) -> list[Row]:
    """Row 4: our get_status vs raw httpx GET + json.loads."""
    samples = status_call_costs(settings)
    return [
        Row(
            "4",
            "CPU per get_status call (MockTransport) vs raw httpx.get + json.loads",
            median(samples["ours"]),
            median(samples["raw"]),
            "us",
            Target("ratio", 1.3, "<= 1.30x"),
            _call_details(samples, settings.calls, ("ours", "raw")),
        )
    ]


def call_vs_llama_cloud(settings: Settings) -> list[Row]:
    """Row 5: our get_status vs llama-cloud 2.10.0's."""
    samples = status_call_costs(settings)
    return [
        Row(
            "5",
            "CPU per get_status call (MockTransport) vs llama-cloud 2.10.0",
            median(samples["ours"]),
            median(samples["llama-cloud"]),
            "us",
            Target("ratio", 0.4, "<= 0.40x"),
            _call_details(samples, settings.calls, ("ours", "llama-cloud")),
        )
    ]


def page_bodies(job: dict[str, Any]) -> dict[int, bytes]:
    """JSON bodies of PAGES pages of PAGE_SIZE distinct jobs, by offset; each page but the last
    carries a next_page_token."""
    bodies: dict[int, bytes] = {}
    for page in range(PAGES):
        offset = page * PAGE_SIZE
        items = [{**job, "id": f"bjb-{offset + i:08d}"} for i in range(PAGE_SIZE)]
        token = f"token-{page + 1}" if page < PAGES - 1 else None
        bodies[offset] = json.dumps({"items": items, "next_page_token": token}).encode()
    return bodies


def paging_transport(bodies: dict[int, bytes]) -> httpx.MockTransport:
    """Serves the page at the requested offset, as a fresh copy: a real transport allocates each
    body it reads, so the raw bytes count towards the iteration's memory as they would."""
    headers = {"content-type": "application/json"}

    def handler(request: httpx.Request) -> httpx.Response:
        offset = int(request.url.params.get("offset", "0"))
        return httpx.Response(200, content=bytes(bytearray(bodies[offset])), headers=headers)

    return httpx.MockTransport(handler)


def parsed_page_size(body: bytes) -> int:
    """Bytes held by one page's parsed items (the page model around them included)."""
    models = importlib.import_module("llamacloud.models")
    models.BatchJobPage.model_validate_json(body)  # any first-use cost outside the measure
    gc.collect()
    tracemalloc.start()
    try:
        page = models.BatchJobPage.model_validate_json(body)
        size: int = tracemalloc.get_traced_memory()[0]
        del page
    finally:
        tracemalloc.stop()
    return size


def iteration_peak(client: Any) -> tuple[int, int]:
    """(peak traced bytes above the start, items seen) while iterating every job of every page."""
    gc.collect()
    tracemalloc.start()
    try:
        count = 0
        for _job in client.beta.batch.list(limit=PAGE_SIZE):
            count += 1
        peak: int = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return peak, count


def raw_iteration_peak(transport: httpx.MockTransport) -> int:
    """Peak traced bytes fetching the same pages with raw httpx + json.loads (dicts, no models): what
    the transport alone leaves for the cyclic garbage collector (each httpx.Response is in a cycle)."""
    http = httpx.Client(transport=transport)
    http.get(f"{BASE_URL}/warm-up?offset=0")
    gc.collect()
    tracemalloc.start()
    try:
        for offset in range(0, PAGES * PAGE_SIZE, PAGE_SIZE):
            for _item in json.loads(http.get(f"{BASE_URL}/jobs?offset={offset}").content)["items"]:
                pass
        peak: int = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return peak


def paging_memory(settings: Settings) -> list[Row]:
    """Row 7: peak memory growth iterating 10,000 jobs over 100 pages vs one page's parsed items."""
    _, job = seed_examples(settings)
    bodies = page_bodies(job)
    client = generated_package(settings).Client(
        api_key="x", base_url=BASE_URL, http_client=httpx.Client(transport=paging_transport(bodies))
    )
    iteration_peak(client)  # warm-up: first-use allocations (caches, lazy imports) outside the measure
    runs = [iteration_peak(client) for _ in range(settings.loop_repeats)]
    if any(count != PAGES * PAGE_SIZE for _, count in runs):
        raise RuntimeError(f"expected {PAGES * PAGE_SIZE} jobs, iterated {[c for _, c in runs]}")
    peaks = [peak for peak, _ in runs]
    one_page = parsed_page_size(bodies[0])
    raw_peak = median([raw_iteration_peak(paging_transport(bodies)) for _ in range(settings.loop_repeats)])
    return [
        Row(
            "7",
            f"peak memory iterating {PAGES * PAGE_SIZE:,} jobs / {PAGES} pages vs one page's parsed items",
            median(peaks),
            one_page,
            "B",
            Target("ratio", 2.5, "~2 pages (<= 2.50x)"),
            [
                "peaks (tracemalloc): " + ", ".join(f"{p / 1e6:.2f}" for p in peaks) + " MB",
                f"one page: {len(bodies[0]) / 1e3:.1f} kB of JSON, {one_page / 1e6:.2f} MB parsed",
                f"raw httpx + json.loads, same pages (no models), median peak: {raw_peak / 1e6:.2f} MB",
            ],
        )
    ]
