"""A streamed reply body for the test server: chunks sent one by one with chunked transfer encoding,
each after its own delay, optionally cut off before the body's end; it records how far it got and
whether the client hung up first, so a test can tell that closing a stream closed the connection."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

__all__ = ["Chunks"]


class _Writable(Protocol):
    def write(self, data: bytes, /) -> object: ...

    def flush(self) -> object: ...


@dataclass
class Chunks:
    #: (seconds to wait first, bytes) for each chunk.
    parts: Sequence[tuple[float, bytes]]
    #: Drop the connection after the last chunk instead of ending the body.
    cut: bool = False
    #: How many chunks were written.
    sent: int = 0
    #: The client closed the connection before the body ended.
    client_closed: bool = False
    #: Set once the server is done with the body, whichever way.
    finished: threading.Event = field(default_factory=threading.Event)

    @classmethod
    def every(cls, delay: float, parts: Iterable[bytes], *, cut: bool = False) -> Chunks:
        """The chunks `parts`, the first at once and each later one `delay` seconds after the last."""
        return cls([(delay if index else 0.0, part) for index, part in enumerate(parts)], cut=cut)

    def serve(self, wfile: _Writable, sleep: Callable[[float], None]) -> bool:
        """Writes the chunks (and the closing chunk, unless `cut`); True when the connection is to be
        dropped now. A write the client's hang-up refuses raises, after noting it."""
        try:
            for delay, data in self.parts:
                sleep(delay)
                wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
                wfile.flush()
                self.sent += 1
            if not self.cut:
                wfile.write(b"0\r\n\r\n")
                wfile.flush()
            return self.cut
        except OSError:
            self.client_closed = True
            raise
        finally:
            self.finished.set()
