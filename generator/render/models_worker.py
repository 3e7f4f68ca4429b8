"""Generates the models in a second process, started before the spec is even read.

datamodel-code-generator takes most of a build (0.65 s just to import, then the models). Nothing
else waits on it until the models are written, so a forked worker imports it and generates them
while this process loads, resolves, lowers and renders everything else. Where `fork` is not the
platform's way, the models are generated in this process instead, with the same result.
"""

from __future__ import annotations

import multiprocessing
import signal
import sys
from multiprocessing.connection import Connection
from types import TracebackType

from ..errors import Diagnostic, SpecError
from .models import MODELS_HINT, ModelsRequest, render_models, render_models_reporting

# A small document touching the usual paths (objects, enums, unions, nullables, dates, arrays): the
# library imports and compiles most of itself on its first generation, so that happens here.
_WARM_UP = ModelsRequest(
    "warm-up",
    "0",
    {
        "Kind": {"type": "string", "enum": ["a", "b"]},
        "Item": {
            "type": "object",
            "required": ["id"],
            "properties": {
                "id": {"type": "string", "description": "An id."},
                "kind": {"$ref": "#/components/schemas/Kind"},
                "at": {"type": ["string", "null"], "format": "date-time"},
                "n": {"type": "integer", "minimum": 0, "default": 1},
                "tags": {"type": "array", "items": {"type": "string"}},
                "extra": {"type": "object", "additionalProperties": {"type": "number"}},
                "any": {"anyOf": [{"$ref": "#/components/schemas/Kind"}, {"type": "null"}]},
            },
        },
    },
    frozenset({"Kind"}),
)


def _serve(connection: Connection) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    render_models_reporting(_WARM_UP)  # the slow first run, overlapped with the parent's work

    try:
        request = connection.recv()
    except EOFError:
        return  # the parent stopped early (a bad spec): nothing to do
    connection.send(render_models_reporting(request))


class ModelsWorker:
    def __init__(self) -> None:
        self._connection: Connection | None = None
        self._process: multiprocessing.process.BaseProcess | None = None
        if sys.platform == "linux":
            context = multiprocessing.get_context("fork")
            self._connection, child = context.Pipe()
            self._process = context.Process(target=_serve, args=(child,), daemon=True)
            self._process.start()
            child.close()

    def render(self, request: ModelsRequest) -> str:
        if self._connection is None or not request.schemas:
            return render_models(request)
        try:
            self._connection.send(request)
            ok, text = self._connection.recv()
        except (EOFError, OSError):
            raise SpecError([Diagnostic("the models worker process stopped unexpectedly", hint=MODELS_HINT)]) from None
        if not ok:
            raise SpecError([Diagnostic(text, hint=MODELS_HINT)])
        return str(text)

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
        if self._process is not None:
            self._process.join(timeout=0.05)
            if self._process.is_alive():
                self._process.terminate()
                self._process.join()

    def __enter__(self) -> ModelsWorker:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()
