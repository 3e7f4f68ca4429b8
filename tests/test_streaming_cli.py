"""The command line of the `streaming` fixture package, run as a subprocess against the loopback server:
a streaming command prints each event as one JSON line as it arrives and stops cleanly on Ctrl-C; a
binary command writes its body to `--output FILE` (or to a piped stdout) as it arrives."""

from __future__ import annotations

import json
import os
import pty
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from support.chunks import Chunks
from support.server import Reply, TestServer
from support.streams import API_KEY, SSE_HEADERS, sse

PACKAGE_ROOT = Path(__file__).resolve().parent / "fixtures" / "streaming" / "expected"
EXIT_OK, EXIT_RESPONSE, EXIT_USAGE, EXIT_CONNECTION, EXIT_INTERRUPTED = 0, 1, 2, 4, 130
OCTETS = {"Content-Type": "application/octet-stream"}


@pytest.fixture
def server() -> Iterator[TestServer]:
    with TestServer() as srv:
        yield srv


def env(server: TestServer) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("STREAMING_")}
    return clean | {
        "PYTHONPATH": str(PACKAGE_ROOT),
        "STREAMING_API_KEY": API_KEY,
        "STREAMING_BASE_URL": server.url,
    }


def cli(server: TestServer, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "streaming", *args],
        env=env(server),
        capture_output=True,
        check=False,
        timeout=60,
        cwd=cwd,
    )


def start(server: TestServer, *args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "streaming", *args],
        env=env(server),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def progress(i: int) -> dict[str, object]:
    return {"step": f"s{i}", "percent": i * 10}


def rest_of(process: subprocess.Popen[bytes]) -> tuple[bytes, bytes]:
    """What `process` still prints, once it ends. Read through its buffered stdout: `communicate()`
    reads the pipe itself, missing what an earlier `readline()` took into the buffer beyond its line
    (a busy machine lets the next events arrive before the test reads the first)."""
    assert process.stdout is not None and process.stderr is not None
    deadline = threading.Timer(30, process.kill)  # a hung command fails the test, not the run
    deadline.start()
    try:
        out, errors = process.stdout.read(), process.stderr.read()
        process.wait()
    finally:
        deadline.cancel()
    return out, errors


@pytest.mark.slow
def test_each_event_is_printed_as_one_json_line_as_it_arrives(server: TestServer) -> None:
    # Seconds apart: on a loaded machine the first line may take over a second to reach the test.
    body = Chunks.every(1.0, [sse(progress(i)) for i in range(4)])
    server.enqueue(Reply(200, headers=SSE_HEADERS, body=body))
    process = start(server, "jobs", "watch", "--job-id", "j1")
    assert process.stdout is not None
    first = process.stdout.readline()
    assert not body.finished.is_set()  # printed while the server was still sending
    rest, errors = rest_of(process)
    assert process.returncode == EXIT_OK, errors
    lines = (first + rest).decode().splitlines()
    assert lines == [json.dumps(progress(i), separators=(",", ":")) for i in range(4)]
    assert server.requests[0].header("accept") == "text/event-stream"


def test_stream_flag_chooses_the_stream_and_the_terminator_ends_it(server: TestServer) -> None:
    chunk = {"id": "c1", "delta": "Hé"}
    server.enqueue(Reply(200, headers=SSE_HEADERS, body=sse(chunk) + sse("[DONE]") + sse({"id": "late"})))
    done = cli(server, "chat", "create-completion", "--body", '{"prompt": "p"}', "--stream", "true")
    assert (done.returncode, done.stderr) == (EXIT_OK, b"")
    assert done.stdout.decode() == json.dumps(chunk, separators=(",", ":"), ensure_ascii=False) + "\n"
    assert server.requests[0].json() == {"prompt": "p", "stream": True}


def test_text_events_print_as_json_strings(server: TestServer) -> None:
    server.enqueue(Reply(200, headers=SSE_HEADERS, body=sse("two\nlines") + sse("42")))
    done = cli(server, "jobs", "tail-log", "--job-id", "j1")
    assert (done.returncode, done.stdout) == (EXIT_OK, b'"two\\nlines"\n"42"\n')


def test_an_error_event_ends_the_command_after_the_lines_before_it(server: TestServer) -> None:
    body = sse(progress(1)) + sse({"error": {"message": "disk full"}}, event="error")
    server.enqueue(Reply(200, headers=SSE_HEADERS, body=body))
    done = cli(server, "jobs", "watch", "--job-id", "j1")
    assert done.returncode == EXIT_RESPONSE
    assert done.stdout.decode().splitlines() == [json.dumps(progress(1), separators=(",", ":"))]
    assert done.stderr.decode().count("\n") == 1 and "disk full" in done.stderr.decode()


def test_ctrl_c_stops_a_stream_cleanly(server: TestServer) -> None:
    body = Chunks.every(0.05, [sse(progress(i)) for i in range(1000)])
    server.enqueue(Reply(200, headers=SSE_HEADERS, body=body))
    process = start(server, "jobs", "watch", "--job-id", "j1")
    assert process.stdout is not None
    assert json.loads(process.stdout.readline()) == progress(0)
    process.send_signal(signal.SIGINT)
    out, errors = rest_of(process)
    assert process.returncode == EXIT_INTERRUPTED
    assert errors.decode() == "streaming: error: interrupted\n"
    assert all(json.loads(line) for line in out.decode().splitlines())  # whole lines only
    assert body.finished.wait(5) and body.client_closed


def test_a_binary_body_goes_to_the_output_file_as_it_arrives(server: TestServer, tmp_path: Path) -> None:
    data = os.urandom(300_000)
    server.enqueue(Reply(200, headers=OCTETS, body=Chunks.every(0.01, [data[:100_000], data[100_000:]])))
    done = cli(server, "files", "download", "--file-id", "f1", "--output", "out.bin", cwd=tmp_path)
    assert (done.returncode, done.stdout, done.stderr) == (EXIT_OK, b"", b"")
    assert (tmp_path / "out.bin").read_bytes() == data
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.bin"]


def test_a_binary_body_goes_to_a_piped_stdout(server: TestServer) -> None:
    data = os.urandom(100_000)
    server.enqueue(Reply(200, headers={"Content-Type": "image/png"}, body=data))
    done = cli(server, "files", "preview", "--file-id", "f1")
    assert (done.returncode, done.stdout, done.stderr) == (EXIT_OK, data, b"")


def test_a_broken_download_leaves_no_file(server: TestServer, tmp_path: Path) -> None:
    server.enqueue(Reply(200, headers=OCTETS, body=Chunks([(0, b"x" * 5000)], cut=True)))
    done = cli(
        server, "--max-retries", "0", "files", "download", "--file-id", "f1", "--output", "out.bin", cwd=tmp_path
    )
    assert done.returncode == EXIT_CONNECTION
    assert list(tmp_path.iterdir()) == []


def test_output_is_refused_where_it_has_no_meaning(server: TestServer) -> None:
    done = cli(server, "jobs", "watch", "--job-id", "j1", "--output", "x.bin")
    assert done.returncode == EXIT_USAGE
    assert b"--output applies only to commands answering a binary body" in done.stderr
    assert server.requests == []


def test_a_binary_body_is_not_written_to_a_terminal(server: TestServer) -> None:
    leader, follower = pty.openpty()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "streaming", "files", "download", "--file-id", "f1"],
            env=env(server),
            stdout=follower,
            stderr=subprocess.PIPE,
            check=False,
            timeout=60,
        )
    finally:
        os.close(follower)
        os.close(leader)
    assert done.returncode == EXIT_USAGE
    assert b"the response is binary: pass --output FILE, or redirect stdout" in done.stderr
    assert server.requests == []


def test_help_shows_the_output_flag_and_the_stream_choice(server: TestServer) -> None:
    done = cli(server, "files", "download", "--help")
    text = done.stdout.decode()
    assert "--output FILE" in text and "--output download.bin" in text
    done = cli(server, "reports", "get", "--help")
    text = " ".join(done.stdout.decode().split())
    assert "--stream STRING" in text  # the query parameter keeps its flag
    assert "--response-stream {true,false}" in text  # the choice of a stream takes the next free one
