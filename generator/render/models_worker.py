"""Generates the models in a second process, started before the spec is even read.

datamodel-code-generator takes most of a build (0.65 s just to import, then the models). Nothing
else waits on it until the models are written, so a forked worker imports it and generates them
while this process loads, resolves, lowers and renders everything else. A large spec whose schemas
come apart in groups that share no reference is generated in two parts at once (model_parts.py):
the worker forks a child of its own, the library already imported and warm, for the second part;
the result is the same. Where `fork` is not the platform's way, the models are generated in this
process instead, with the same result.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import signal
import sys
from collections.abc import Callable, Mapping
from multiprocessing.connection import Connection
from types import TracebackType

from ..errors import Diagnostic, Origin, SpecError
from .model_names import class_names, settle_names
from .model_parts import join_sources, partition
from .models import (
    MODELS_HINT,
    ModelsError,
    ModelsRequest,
    Reported,
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
# at once (below, the second process costs about what it saves).
PARALLEL_FROM = 1000


def _serve(connection: Connection) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    render_models_reporting(WARM_UP)  # the slow first run, overlapped with the parent's work
    try:
        request = connection.recv()
    except EOFError:
        return  # the parent stopped early (a bad spec): nothing to do
    if len(request.schemas) >= PARALLEL_FROM:
        source = _render_in_parts(request)
        if source is not None:
            connection.send((True, source))
            return
    connection.send(render_models_reporting(request))


def _render_in_parts(request: ModelsRequest) -> str | None:
    """The models from two parts generated at once, the second by a child forked from this warmed-up
    process; None when the schemas do not come apart, or a part fails (the whole document, generated
    in one piece, then says why). A name the library chose in both parts goes to the first; the
    second's class takes another, as one run would have numbered it."""
    parts = partition(models_document(request), 2)
    if len(parts) < 2:
        return None
    aliases = field_aliases(request.schemas)
    reader, writer = os.pipe()
    child = os.fork()
    if child == 0:  # the child: the second part, sent back whole, then gone
        os.close(reader)
        try:
            with os.fdopen(writer, "wb") as out:
                pickle.dump(library_models_reporting(parts[1], aliases), out)
        finally:
            os._exit(0)
    os.close(writer)
    first = library_models_reporting(parts[0], aliases)
    with os.fdopen(reader, "rb") as answer:
        try:
            second: Reported = pickle.load(answer)
        except (EOFError, pickle.UnpicklingError):
            second = (False, ("", ()))
    os.waitpid(child, 0)
    if not (first[0] and second[0]):
        return None
    (first_source, first_classes), (second_source, second_classes) = first[1], second[1]
    schema_names = set(request.schemas)
    settled = settle_names(first_source, first_classes, schema_names)
    taken = schema_names | set(class_names(settled))
    joined = join_sources([settled, settle_names(second_source, second_classes, taken)])
    if joined is None:
        return None
    try:
        return finish_models(joined, request)
    except SpecError:
        return None


def located(message: str, schemas: tuple[str, ...], origins: Mapping[str, Origin]) -> SpecError:
    """The models stage's failure as an error at each schema it concerns (without a place when none)."""
    places: list[Origin | None] = [origins[name] for name in schemas if name in origins]
    return SpecError([Diagnostic(message, place, MODELS_HINT) for place in places or [None]])


class ModelsWorker:
    """The forked worker, or this process where there is no `fork`."""

    def __init__(self) -> None:
        self._connection: Connection | None = None
        self._process: multiprocessing.process.BaseProcess | None = None
        if sys.platform == "linux":
            context = multiprocessing.get_context("fork")
            self._connection, child = context.Pipe()
            self._process = context.Process(target=_serve, args=(child,), daemon=True)
            self._process.start()
            child.close()

    def submit(self, request: ModelsRequest, origins: Mapping[str, Origin] | None = None) -> Callable[[], str]:
        """Sends `request` to the worker; the returned function waits for its models (so the caller
        renders the rest of the package meanwhile). A failure names the schemas it concerns where
        `origins` (class name -> where its schema is written) locates them."""
        connection = self._connection
        if connection is None or not request.schemas:

            def in_process() -> str:
                try:
                    return render_models(request)
                except ModelsError as exc:
                    raise located(exc.message, exc.schemas, origins or {}) from exc

            return in_process
        try:
            connection.send(request)
        except OSError:
            raise SpecError([Diagnostic("the models worker process stopped unexpectedly", hint=MODELS_HINT)]) from None

        def receive() -> str:
            try:
                ok, answer = connection.recv()
            except (EOFError, OSError):
                raise SpecError(
                    [Diagnostic("the models worker process stopped unexpectedly", hint=MODELS_HINT)]
                ) from None
            if not ok:
                message, schemas = answer
                raise located(message, schemas, origins or {})
            return str(answer)

        return receive

    def render(self, request: ModelsRequest) -> str:
        return self.submit(request)()

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
