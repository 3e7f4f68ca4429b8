"""Scriptable HTTP/1.1 test server for exercising generated clients on the wire.

Standard library only.  Typical use::

    with TestServer() as server:
        server.enqueue(Reply(200, body={"ok": True}))
        response = httpx.get(server.url + "/things?a=1")
        assert server.requests[0].query_params == [("a", "1")]

Replies are taken from the FIFO queue first (``enqueue``), then from the
dynamic handler (``set_handler``); if neither yields a reply the server answers
500 with a JSON body explaining that no reply was scripted.

Fault injection is available per reply: ``delay`` (sleep before sending
anything), ``drip`` (send the body one byte at a time), ``close_mid_body``
(announce more bytes than are sent, then close) and ``drop_connection`` (close
without sending anything). A body of ``Chunks`` is streamed: chunked transfer
encoding, each chunk after its own delay, optionally cut off before its end,
and it records whether the client hung up first.

The replies and recorded requests are ``messages.py``; streamed bodies ``chunks.py``.
"""

from __future__ import annotations

import contextlib
import socket
import socketserver
import sys
import threading
import time
import traceback
from collections import deque
from collections.abc import Callable
from http.cookies import CookieError, SimpleCookie
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Self, cast
from urllib.parse import parse_qsl, urlsplit

from .chunks import Chunks
from .messages import RecordedRequest, Reply

__all__ = ["Chunks", "Handler", "RecordedRequest", "Reply", "TestServer"]

_MAX_LINE = 65536
_NO_BODY_STATUSES = frozenset({204, 304})


Handler = Callable[[RecordedRequest], Reply]


def _split_target(target: str) -> tuple[str, str]:
    if "://" in target and not target.startswith("/"):
        # absolute-form (proxy style) request target
        parts = urlsplit(target)
        return parts.path or "/", parts.query
    path, _, query = target.partition("?")
    return path, query


def _parse_cookies(values: list[str]) -> dict[str, str]:
    cookies: dict[str, str] = {}
    for value in values:
        jar: SimpleCookie = SimpleCookie()
        try:
            jar.load(value)
        except CookieError:
            continue
        for key, morsel in jar.items():
            cookies[key] = morsel.value
    return cookies


class _Abort(Exception):
    """Raised inside the handler to drop the connection immediately."""


class _RequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # The header block and the body are two writes: without TCP_NODELAY the body waits for the
    # client's delayed ACK of the headers (tens of milliseconds a response on loopback).
    disable_nagle_algorithm = True
    # Safety net for clients that vanish without closing; stop() also
    # shuts down every open connection explicitly.
    timeout = 60.0

    connection_id = 0

    @property
    def _owner(self) -> TestServer:
        return cast(_HTTPServer, self.server).owner

    # -- connection lifecycle -------------------------------------------------

    def setup(self) -> None:
        super().setup()
        self.connection_id = self._owner._register(self.connection)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self._owner._unregister(self.connection)

    def log_message(self, format: str, *args: Any) -> None:
        pass  # keep pytest output clean

    # -- request dispatch -----------------------------------------------------

    def do_GET(self) -> None:
        self._serve()

    def do_HEAD(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def do_PUT(self) -> None:
        self._serve()

    def do_PATCH(self) -> None:
        self._serve()

    def do_DELETE(self) -> None:
        self._serve()

    def do_OPTIONS(self) -> None:
        self._serve()

    def do_TRACE(self) -> None:
        self._serve()

    def do_QUERY(self) -> None:  # the HTTP QUERY method (OpenAPI 3.2 `query` operations)
        self._serve()

    def __getattr__(self, name: str) -> Any:
        # Any other method (`PURGE`, `COPY`: OpenAPI 3.2 `additionalOperations`) is served alike.
        if name.startswith("do_") and name[3:].isupper():
            return self._serve
        raise AttributeError(name)

    def _serve(self) -> None:
        try:
            body = self._read_body()
        except (ValueError, OSError):
            self.close_connection = True
            return
        words = self.requestline.split()
        target = words[1] if len(words) >= 2 else self.path
        path, query = _split_target(target)
        raw_headers = [(str(k), str(v)) for k, v in self.headers.items()]
        cookie_values = [v for k, v in raw_headers if k.lower() == "cookie"]
        record = RecordedRequest(
            method=self.command,
            path=path,
            query=query,
            query_params=parse_qsl(query, keep_blank_values=True),
            headers=raw_headers,
            cookies=_parse_cookies(cookie_values),
            body=body,
            connection_id=self.connection_id,
            http_version=self.request_version,
        )
        owner = self._owner
        owner._record(record)
        reply = owner._reply_for(record)
        try:
            self._send(reply)
        except (_Abort, OSError):
            self._abort()

    def _read_body(self) -> bytes:
        transfer_encoding = self.headers.get("Transfer-Encoding", "")
        if "chunked" in transfer_encoding.lower():
            return self._read_chunked()
        length_header = self.headers.get("Content-Length")
        if length_header is None:
            return b""
        length = int(length_header)
        if length < 0:
            raise ValueError("negative Content-Length")
        data = self.rfile.read(length)
        if len(data) < length:
            raise ConnectionError("client closed while sending body")
        return data

    def _read_chunked(self) -> bytes:
        chunks: list[bytes] = []
        while True:
            line = self.rfile.readline(_MAX_LINE)
            if not line:
                raise ConnectionError("client closed while sending chunked body")
            size = int(line.split(b";", 1)[0].strip(), 16)
            if size == 0:
                break
            data = self.rfile.read(size)
            if len(data) < size:
                raise ConnectionError("client closed while sending chunked body")
            chunks.append(data)
            self.rfile.readline(_MAX_LINE)  # CRLF after the chunk data
        while True:  # trailers
            line = self.rfile.readline(_MAX_LINE)
            if line in (b"\r\n", b"\n", b""):
                break
        return b"".join(chunks)

    # -- response -------------------------------------------------------------

    def _sleep(self, seconds: float) -> None:
        if seconds > 0 and self._owner._stopping.wait(seconds):
            raise _Abort

    def _abort(self) -> None:
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)

    def _send(self, reply: Reply) -> None:
        if reply.drop_connection:
            raise _Abort
        self._sleep(reply.delay)
        if isinstance(reply.body, Chunks):
            self._send_chunks(reply, reply.body)
            return

        pairs, payload = reply.render()
        names = {key.lower() for key, _ in pairs}
        bodiless_status = reply.status < 200 or reply.status in _NO_BODY_STATUSES
        if reply.close_mid_body:
            pairs = [(k, v) for k, v in pairs if k.lower() not in ("content-length", "transfer-encoding")]
            sent = payload[: len(payload) // 2]
            pairs.append(("Content-Length", str(max(len(payload), len(sent) + 1))))
        else:
            sent = payload
            if not bodiless_status and not names & {"content-length", "transfer-encoding"}:
                pairs.append(("Content-Length", str(len(payload))))
        if self.command == "HEAD" or bodiless_status:
            sent = b""

        self.send_response(reply.status, reply.reason)
        for key, value in pairs:
            self.send_header(key, value)
        self.end_headers()  # flushes the header block

        if reply.drip is not None and sent:
            for index in range(len(sent)):
                if index:
                    self._sleep(reply.drip)
                self.wfile.write(sent[index : index + 1])
                self.wfile.flush()
        elif sent:
            self.wfile.write(sent)
            self.wfile.flush()

        if reply.close_mid_body:
            raise _Abort

    def _send_chunks(self, reply: Reply, chunks: Chunks) -> None:
        self.send_response(reply.status, reply.reason)
        for key, value in reply.header_pairs():
            self.send_header(key, value)
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        if chunks.serve(self.wfile, self._sleep):
            raise _Abort


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 64

    def __init__(self, owner: TestServer, address: tuple[str, int]) -> None:
        self.owner = owner
        super().__init__(address, _RequestHandler)

    def server_bind(self) -> None:
        # HTTPServer.server_bind calls socket.getfqdn(), which may do a slow
        # reverse DNS lookup; skip it.
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name = str(host)
        self.server_port = int(port)

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], OSError):
            return  # client went away; nothing interesting
        super().handle_error(request, client_address)


class TestServer:
    """Threaded HTTP/1.1 server on 127.0.0.1 with scripted replies.

    Use as a context manager (or call :meth:`start` / :meth:`stop`).
    """

    __test__ = False  # not a pytest test class

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self._host = host
        self._requested_port = port
        self._lock = threading.Lock()
        self._cond = threading.Condition(self._lock)
        self._queue: deque[Reply] = deque()
        self._handler: Handler | None = None
        self._stopping = threading.Event()
        self._connections: dict[socket.socket, threading.Thread] = {}
        self._next_connection_id = 0
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.requests: list[RecordedRequest] = []

    # -- lifecycle ------------------------------------------------------------

    def start(self) -> Self:
        if self._httpd is not None:
            return self
        self._stopping.clear()
        httpd = _HTTPServer(self, (self._host, self._requested_port))
        thread = threading.Thread(
            target=httpd.serve_forever,
            kwargs={"poll_interval": 0.02},
            name=f"TestServer:{httpd.server_port}",
            daemon=True,
        )
        self._httpd = httpd
        self._thread = thread
        thread.start()
        return self

    def stop(self, timeout: float = 2.0) -> None:
        httpd, thread = self._httpd, self._thread
        if httpd is None or thread is None:
            return
        deadline = time.monotonic() + timeout
        self._stopping.set()
        httpd.shutdown()
        with self._lock:
            connections = dict(self._connections)
        for conn in connections:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
        httpd.server_close()
        thread.join(max(0.0, deadline - time.monotonic()))
        for worker in connections.values():
            worker.join(max(0.0, deadline - time.monotonic()))
        self._httpd = None
        self._thread = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # -- addressing -----------------------------------------------------------

    @property
    def host(self) -> str:
        return self._host

    @property
    def port(self) -> int:
        if self._httpd is None:
            raise RuntimeError("TestServer is not running")
        return self._httpd.server_port

    @property
    def url(self) -> str:
        return f"http://{self._host}:{self.port}"

    # -- scripting ------------------------------------------------------------

    def enqueue(self, *replies: Reply) -> None:
        """Queue replies; they are served in FIFO order before the handler."""
        with self._lock:
            self._queue.extend(replies)

    def set_handler(self, handler: Handler | None) -> None:
        """Set (or clear with ``None``) the handler used when the queue is empty."""
        with self._lock:
            self._handler = handler

    @property
    def pending_replies(self) -> int:
        """Number of queued replies not yet served."""
        with self._lock:
            return len(self._queue)

    def reset(self, *, keep_handler: bool = False) -> None:
        """Clear recorded requests and queued replies (and the handler, by default)."""
        with self._lock:
            self.requests.clear()
            self._queue.clear()
            if not keep_handler:
                self._handler = None

    def wait_for_requests(self, count: int, timeout: float = 2.0) -> list[RecordedRequest]:
        """Block until at least ``count`` requests were recorded; return a snapshot."""
        with self._cond:
            if not self._cond.wait_for(lambda: len(self.requests) >= count, timeout):
                raise TimeoutError(f"expected {count} request(s), got {len(self.requests)}")
            return list(self.requests)

    # -- called from handler threads -----------------------------------------

    def _register(self, conn: socket.socket) -> int:
        with self._lock:
            self._next_connection_id += 1
            self._connections[conn] = threading.current_thread()
            return self._next_connection_id

    def _unregister(self, conn: socket.socket) -> None:
        with self._lock:
            self._connections.pop(conn, None)

    def _record(self, request: RecordedRequest) -> None:
        with self._cond:
            self.requests.append(request)
            self._cond.notify_all()

    def _reply_for(self, request: RecordedRequest) -> Reply:
        with self._lock:
            if self._queue:
                return self._queue.popleft()
            handler = self._handler
        if handler is None:
            return Reply(
                500,
                body={
                    "error": "no reply scripted",
                    "method": request.method,
                    "path": request.path,
                    "query": request.query,
                },
            )
        try:
            return handler(request)
        except Exception as exc:  # report handler bugs to the client
            return Reply(
                500,
                body={
                    "error": "handler raised",
                    "exception": repr(exc),
                    "traceback": traceback.format_exc(),
                },
            )
