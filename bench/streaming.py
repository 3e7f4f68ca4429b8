"""Rows 10 and 11: streamed responses of a generated client, against raw httpx on the same server.

    .venv/bin/python bench/streaming.py           # both measures, 5 repetitions (prints only)
    .venv/bin/python bench/streaming.py --quick   # 1 repetition
    .venv/bin/python bench/run.py --only 10,11    # the same rows inside the benchmark table

The client is the `streaming` fixture (tests/fixtures/streaming/spec.yaml) built by the measured
generator. A loopback HTTP server runs in its own process, and every measured download or stream runs
in a fresh child process, ours and raw httpx alternating. Each child makes one small request first
(1 MiB, 100 events: the connection, lazy imports and validators in place), then the measured one three
times, and reports the fastest (this machine is shared; the fastest is the least disturbed); the rows
give the median over the children:

- 10a/10b: `GET /files/{id}/content`, 1 GiB of `application/octet-stream`, read through
  `client.files.with_streaming_response.download(...)` + `iter_bytes()` vs
  `httpx.Client().stream("GET", ...)` + `iter_bytes()`; wall time, and the growth of the peak
  resident set (ru_maxrss) over the resident set just before the request.
- 11: `POST /chat/completions` answering 100,000 small server-sent events then `[DONE]`, iterated as
  typed `CompletionChunk` models through `create_completion(..., stream=True)` vs raw httpx
  `iter_lines()` keeping the `data: ` lines and `json.loads`-ing each until `[DONE]`.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

from common import PYTHON, REPO, Row, Settings, Target, child_env, median

SPEC = REPO / "tests" / "fixtures" / "streaming" / "spec.yaml"
DOWNLOAD_BYTES = 1 << 30
EVENTS = 100_000
BLOCK = bytes(range(256)) * 4096  # 1 MiB
MIB = 1 << 20
WARM_UP = {"download": MIB, "events": 100}  # one small request first, in both
TIMED_RUNS = 3  # per child process; the fastest counts
PACKAGE = "streaming_client"  # the fixture's package, named apart from this script (`streaming`)


# -- the server (its own process) -------------------------------------------------------------
def _events_body(count: int) -> bytes:
    lines = [b'data: {"id":"c1","delta":"tok","index":%d}\n\n' % i for i in range(count)]
    return b"".join(lines) + b"data: [DONE]\n\n"


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    events: ClassVar[dict[int, bytes]] = {}  # rendered once per count

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:  # /files/<size>/content: that many bytes
        size = int(self.path.split("/")[2])
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(size))
        self.end_headers()
        view = memoryview(BLOCK)
        while size > 0:
            self.wfile.write(view[: min(size, len(BLOCK))])
            size -= len(BLOCK)

    def do_POST(self) -> None:  # /chat/completions: `prompt` events
        request = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        count = int(request["prompt"])
        body = self.events.get(count) or self.events.setdefault(count, _events_body(count))
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def serve() -> None:
    """Serves until stdin closes; the first line on stdout is the base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(f"http://127.0.0.1:{server.server_port}", flush=True)
    sys.stdin.read()
    server.shutdown()


@contextmanager
def running_server(env: dict[str, str]) -> Iterator[str]:
    process = subprocess.Popen(
        [PYTHON, __file__, "serve"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env, text=True
    )
    try:
        assert process.stdout is not None
        yield process.stdout.readline().strip()
    finally:
        assert process.stdin is not None
        process.stdin.close()
        process.wait(timeout=30)


# -- one measured run (a fresh child process) ---------------------------------------------------
def _rss() -> int:
    for line in Path("/proc/self/status").read_text(encoding="utf-8").splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


def child(kind: str, impl: str, url: str, amount: int) -> dict[str, float]:
    """Measures one download (`amount` bytes) or one stream (`amount` events) by `impl`."""
    import httpx

    package: Any = __import__(PACKAGE)
    client = package.Client(api_key="x", base_url=url, max_retries=0)
    raw = httpx.Client(timeout=60)
    if kind == "download":

        def ours(n: int) -> int:
            total = 0
            with client.files.with_streaming_response.download(str(n)) as response:
                for chunk in response.iter_bytes():
                    total += len(chunk)
            return total

        def peer(n: int) -> int:
            total = 0
            with raw.stream("GET", f"{url}/files/{n}/content") as response:
                for chunk in response.iter_bytes():
                    total += len(chunk)
            return total
    else:

        def ours(n: int) -> int:
            return sum(1 for _ in client.chat.create_completion(prompt=str(n), stream=True))

        def peer(n: int) -> int:
            found = 0
            with raw.stream("POST", f"{url}/chat/completions", json={"prompt": str(n), "stream": True}) as r:
                for line in r.iter_lines():
                    if line.startswith("data: "):
                        data = line[6:]
                        if data == "[DONE]":
                            break
                        json.loads(data)
                        found += 1
            return found

    run = ours if impl == "ours" else peer
    run(WARM_UP[kind])  # the connection opened, lazy imports and validators built: not what is measured
    before = _rss()
    timings: list[tuple[float, float]] = []
    for _ in range(TIMED_RUNS):
        started, cpu = time.perf_counter(), time.process_time()
        got = run(amount)
        timings.append((time.perf_counter() - started, time.process_time() - cpu))
        if got != amount:
            raise SystemExit(f"{impl} {kind}: got {got}, expected {amount}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    seconds, cpu = min(timings)  # the run least disturbed by whatever else the machine does
    return {"seconds": seconds, "cpu": cpu, "rss_before": before, "rss_peak": peak}


# -- the measures -------------------------------------------------------------------------------
def build_fixture(code: Path, out: Path, env: dict[str, str]) -> Path:
    """The streaming fixture built by the generator of `code` into `out`; the folder to put on sys.path."""
    command = [
        PYTHON,
        "-m",
        "generator",
        "build",
        "--isolated",
        "--spec",
        str(SPEC),
        "--out",
        str(out),
        "--package",
        PACKAGE,
    ]
    subprocess.run(command, cwd=code, env=env, check=True, capture_output=True)
    return out


def _measure(kind: str, amount: int, repeats: int, scratch: Path, code: Path) -> dict[str, list[dict[str, float]]]:
    env = child_env(scratch)
    package_root = build_fixture(code, scratch / "streaming-fixture", env)
    child_environment = child_env(scratch, package_root)
    samples: dict[str, list[dict[str, float]]] = {"ours": [], "raw": []}
    with running_server(env) as url:
        for index in range(repeats + 1):  # the first round warms the bytecode cache, discarded
            for impl in samples:
                done = subprocess.run(
                    [PYTHON, __file__, "child", kind, impl, url, str(amount)],
                    env=child_environment,
                    capture_output=True,
                    text=True,
                    check=True,
                    timeout=900,
                )
                if index:
                    samples[impl].append(json.loads(done.stdout))
    return samples


def _cpu_ratio(samples: dict[str, list[dict[str, float]]]) -> str:
    ours, raw = (median([s["cpu"] for s in samples[impl]]) for impl in ("ours", "raw"))
    return f"client CPU time (median): ours {ours:.3f} s, raw {raw:.3f} s, {ours / raw:.2f}x"


def download_rows(settings: Settings) -> list[Row]:
    samples = _measure("download", DOWNLOAD_BYTES, settings.loop_repeats, settings.scratch, settings.code)
    seconds = {impl: [s["seconds"] for s in runs] for impl, runs in samples.items()}
    growth = {impl: [s["rss_peak"] - s["rss_before"] for s in runs] for impl, runs in samples.items()}
    speed = {impl: [DOWNLOAD_BYTES / MIB / s for s in values] for impl, values in seconds.items()}
    details = [
        f"{impl}: " + ", ".join(f"{v:.0f}" for v in speed[impl]) + f" MiB/s (median {median(speed[impl]):.0f})"
        for impl in ("ours", "raw")
    ] + [_cpu_ratio(samples)]
    memory = [
        f"{impl}: peak RSS growth " + ", ".join(f"{v / MIB:.1f}" for v in growth[impl]) + " MiB"
        for impl in ("ours", "raw")
    ]
    return [
        Row(
            "10a",
            "1 GiB download (with_streaming_response.iter_bytes) vs raw httpx iter_bytes, same loopback server",
            median(seconds["ours"]),
            median(seconds["raw"]),
            "s",
            Target("ratio", 1 / 0.9, "throughput >= 0.90x"),
            details,
        ),
        Row(
            "10b",
            "peak RSS growth over that 1 GiB download vs raw httpx's",
            median(growth["ours"]),
            median(growth["raw"]),
            "B",
            Target("max", 64 * MIB, "< 64 MiB"),
            memory,
        ),
    ]


def events_rows(settings: Settings) -> list[Row]:
    samples = _measure("events", EVENTS, settings.loop_repeats, settings.scratch, settings.code)
    seconds = {impl: [s["seconds"] for s in runs] for impl, runs in samples.items()}
    rates = {impl: [EVENTS / s / 1000 for s in values] for impl, values in seconds.items()}
    details = [
        f"{impl}: " + ", ".join(f"{v:.0f}" for v in rates[impl]) + f" k events/s (median {median(rates[impl]):.0f})"
        for impl in ("ours", "raw")
    ] + [_cpu_ratio(samples)]
    return [
        Row(
            "11",
            "100,000 SSE events, typed models (stream=True) vs raw httpx iter_lines + json.loads",
            median(seconds["ours"]),
            median(seconds["raw"]),
            "s",
            Target("ratio", 1 / 0.7, "events/s >= 0.70x"),
            details,
        )
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench/streaming.py", description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1 repetition instead of 5")
    parser.add_argument("command", nargs="*", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.command[:1] == ["serve"]:
        serve()
        return 0
    if args.command[:1] == ["child"]:
        kind, impl, url, amount = args.command[1:5]
        print(json.dumps(child(kind, impl, url, int(amount))))
        return 0
    import report

    with tempfile.TemporaryDirectory(prefix="bench-streaming-") as scratch:
        settings = Settings(1, 1 if args.quick else 5, 0, Path(scratch), REPO)
        rows = download_rows(settings) + events_rows(settings)
    print(report.console_table(rows))
    for row in rows:
        for detail in row.details:
            print(f"  {row.number}: {detail}")
    return 0 if all(row.passed for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
