"""Generates the models in a second process, started before the spec is even read.

datamodel-code-generator takes most of a build (0.65 s just to import, then the models). Nothing
else waits on it until the models are written, so a forked worker imports it and generates them
while this process loads, resolves, lowers and renders everything else. A large spec whose schemas
come apart in groups that share no reference is generated in two parts at once, by two workers
(model_parts.py), with the same result. Where `fork` is not the platform's way, the models are
generated in this process instead, with the same result.
"""

from __future__ import annotations

import multiprocessing
import signal
import sys
from multiprocessing.connection import Connection
from types import TracebackType

from ..errors import Diagnostic, SpecError
from .model_parts import join_sources, partition
from .models import (
    MODELS_HINT,
    ModelsRequest,
    field_aliases,
    finish_models,
    library_models_reporting,
    models_document,
    render_models,
    render_models_reporting,
)

# A small document touching the usual paths (objects, enums, unions, nullables, dates, arrays): the
# library imports and compiles most of itself on its first generation, so that happens here.
WARM_UP = ModelsRequest(
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


# From this many schemas on, the document is cut into two parts that share no reference, generated
# at once by two processes (below, a second process costs about what it saves).
PARALLEL_FROM = 1000
_PARTS = 2


def _serve(connection: Connection, warm: bool) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    if warm:
        render_models_reporting(WARM_UP)  # the slow first run, overlapped with the parent's work
    while True:
        try:
            job = connection.recv()
        except EOFError:
            return  # the parent is done, or stopped early (a bad spec)
        if isinstance(job, ModelsRequest):
            connection.send(render_models_reporting(job))
        else:
            connection.send(library_models_reporting(*job))


class _Process:
    """One forked worker and the parent's end of its pipe."""

    def __init__(self, context: multiprocessing.context.BaseContext, warm: bool) -> None:
        self.connection, child = context.Pipe()
        self.process = context.Process(target=_serve, args=(child, warm), daemon=True)  # type: ignore[attr-defined]
        self.process.start()
        child.close()

    def send(self, job: object) -> None:
        try:
            self.connection.send(job)
        except OSError:
            raise SpecError([Diagnostic("the models worker process stopped unexpectedly", hint=MODELS_HINT)]) from None

    def receive(self) -> tuple[bool, str]:
        try:
            ok, text = self.connection.recv()
        except (EOFError, OSError):
            raise SpecError([Diagnostic("the models worker process stopped unexpectedly", hint=MODELS_HINT)]) from None
        return bool(ok), str(text)

    def close(self) -> None:
        self.connection.close()
        self.process.join(timeout=0.05)
        if self.process.is_alive():
            self.process.terminate()
            self.process.join()


class ModelsWorker:
    """Two forked workers: the first imports and warms up the library at once; the second waits,
    and only a large spec's second part wakes it."""

    def __init__(self) -> None:
        self._processes: list[_Process] = []
        if sys.platform == "linux":
            context = multiprocessing.get_context("fork")
            self._processes = [_Process(context, warm=index == 0) for index in range(_PARTS)]

    def render(self, request: ModelsRequest) -> str:
        if not self._processes or not request.schemas:
            return render_models(request)
        if len(request.schemas) >= PARALLEL_FROM:
            source = self._render_in_parts(request)
            if source is not None:
                return source
        first = self._processes[0]
        first.send(request)
        ok, text = first.receive()
        if not ok:
            raise SpecError([Diagnostic(text, hint=MODELS_HINT)])
        return text

    def _render_in_parts(self, request: ModelsRequest) -> str | None:
        """The models from parts generated at once; None when the schemas do not come apart, or the
        parts do not join (a name the library chose in two parts), or one fails (the whole document,
        generated in one piece, then says why)."""
        parts = partition(models_document(request), _PARTS)
        if len(parts) < 2:
            return None
        aliases = field_aliases(request.schemas)
        for process, part in zip(self._processes, parts, strict=False):
            process.send((part, aliases))
        answers = [process.receive() for process, _ in zip(self._processes, parts, strict=False)]
        joined = join_sources([text for _, text in answers]) if all(ok for ok, _ in answers) else None
        if joined is None:
            return None
        try:
            return finish_models(joined, request)
        except SpecError:
            return None

    def close(self) -> None:
        for process in self._processes:
            process.close()

    def __enter__(self) -> ModelsWorker:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()
