"""Multipart and form bodies on the wire (the `forms` fixture): every file input the client takes, the
parts of each field kind with their exact headers, the spec's `encoding`, a multipart body without a
file or empty, forms serialised by style and explode; files read again on a retry, a `str` for a file
refused before anything is sent, and null enum members never sent as the text "None"."""

from __future__ import annotations

import enum
import io
import os
from pathlib import Path
from typing import Any

import pytest
from support.fixtures import Flavour, client_options, fixture_package, run
from support.multipart import Part, multipart
from support.server import Reply, TestServer

STORED = {"ok": True}


def disposition(name: str, filename: str | None = None) -> tuple[str, str]:
    value = f'form-data; name="{name}"' + (f'; filename="{filename}"' if filename is not None else "")
    return ("Content-Disposition", value)


def text(name: str, content: bytes, content_type: str | None = None) -> Part:
    headers = [disposition(name)] + ([("Content-Type", content_type)] if content_type else [])
    return Part(headers, content)


# -- every kind of field, and the spec's encoding ---------------------------------------------
def test_each_field_kind_is_its_own_part(server: TestServer, flavour: Flavour, tmp_path: Path) -> None:
    thumbnail = tmp_path / "thumb.bin"
    thumbnail.write_bytes(b"\x89PNG\x00")
    m = fixture_package("forms", "models")
    server.enqueue(Reply(200, body=STORED))
    run(
        flavour,
        "forms",
        server,
        lambda c: c.documents.upload(
            document=("paper.pdf", b"%PDF\x00\xff"),
            title="Ré: report",
            thumbnail=thumbnail,
            signature=b"c2ln",
            images=[("a.png", b"A"), ("b.jpg", b"B", None, {"X-Page": "2"})],
            metadata={"author": "Ann", "year": 2024},
            pages=[m.PageRange(start=1, end=2), {"start": 5}],
            tags=["x", "y"],
            ids=[1, 2, 3],
            summary="# Sum",
            draft=False,
            note=None,
            priority="high",
        ),
    )
    (request,) = server.requests
    assert multipart(request) == [
        # contentType from `encoding`, and the header whose value it fixes
        Part(
            [
                disposition("document", "paper.pdf"),
                ("Content-Type", "application/pdf"),
                ("X-Checksum-Algorithm", "sha256"),
            ],
            b"%PDF\x00\xff",
        ),
        text("title", "Ré: report".encode()),
        # a path: streamed, sent under its own name; `contentMediaType` is its content type
        Part([disposition("thumbnail", "thumb.bin"), ("Content-Type", "image/png")], b"\x89PNG\x00"),
        # `contentEncoding` makes a file too; bytes are named after the field
        Part([disposition("signature", "signature"), ("Content-Type", "application/octet-stream")], b"c2ln"),
        # a list of files is a part each; a list of content types is no default, the name decides
        Part([disposition("images", "a.png"), ("Content-Type", "image/png")], b"A"),
        Part([disposition("images", "b.jpg"), ("Content-Type", "image/jpeg"), ("X-Page", "2")], b"B"),
        text("metadata", b'{"author":"Ann","year":2024}', "application/json"),
        text("pages", b'{"start":1,"end":2}', "application/json"),
        text("pages", b'{"start":5}', "application/json"),
        text("tags", b"x"),
        text("tags", b"y"),
        text("ids", b"1,2,3"),  # style form, explode false: one part
        text("summary", b"# Sum", "text/markdown"),
        text("draft", b"false"),
        text("priority", b"high"),  # `note=None`: a form has no null, so no part
    ]


def test_a_multipart_body_without_files_is_still_multipart(server: TestServer, flavour: Flavour) -> None:
    server.enqueue(Reply(204), Reply(204), Reply(204), Reply(204))
    run(
        flavour,
        "forms",
        server,
        lambda c: [
            c.documents.ping(note="hi", count=2),
            c.documents.ping(),
            c.documents.save_draft(),
            c.documents.save_draft(text="x"),
        ],
    )
    fields, empty, no_draft, draft = server.requests
    assert multipart(fields) == [text("note", b"hi"), text("count", b"2")]
    assert multipart(empty) == []  # a required body with nothing in it: the closing delimiter alone
    assert (no_draft.body, no_draft.header("Content-Type")) == (b"", None)  # optional, nothing given
    assert multipart(draft) == [text("text", b"x")]


def test_extra_body_adds_parts(server: TestServer) -> None:
    server.enqueue(Reply(204))
    with fixture_package("forms").Client(**client_options(server)) as client:
        client.documents.ping(note="a", extra_body={"note": "b", "trace": {"id": 1}, "blob": ("x.txt", b"X")})
    assert multipart(server.requests[0]) == [
        text("note", b"b"),
        text("trace", b'{"id":1}', "application/json"),
        Part([disposition("blob", "x.txt"), ("Content-Type", "text/plain")], b"X"),
    ]


# -- the file inputs ------------------------------------------------------------------------------
class _Pipe(io.RawIOBase):
    """A binary stream that cannot seek, like a pipe or a socket."""

    def __init__(self, data: bytes) -> None:
        self._data = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        chunk = self._data.read(len(buffer))
        buffer[: len(chunk)] = chunk
        return len(chunk)


def upload(client: Any, document: Any) -> Any:
    return client.documents.upload(document=document, title="t")


def test_every_file_input(server: TestServer, flavour: Flavour, tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_bytes(b"0123456789")
    opened = path.open("rb")
    opened.seek(4)  # a file object is sent from where it stands
    inputs: list[tuple[Any, str, bytes]] = [
        (b"raw", "document", b"raw"),
        (bytearray(b"array"), "document", b"array"),
        (io.BytesIO(b"memory"), "document", b"memory"),
        (opened, "notes.txt", b"456789"),
        (path, "notes.txt", b"0123456789"),
        (_Pipe(b"piped"), "document", b"piped"),
        (("given.csv", "a,b\n"), "given.csv", b"a,b\n"),
        ((None, b"nameless"), None, b"nameless"),
        (("x.bin", path, "text/csv"), "x.bin", b"0123456789"),
    ]
    server.enqueue(*(Reply(200, body=STORED) for _ in inputs))
    try:
        run(flavour, "forms", server, lambda c: [upload(c, given) for given, _, _ in inputs])
    finally:
        opened.close()
    for request, (_, filename, content) in zip(server.requests, inputs, strict=True):
        document = multipart(request)[0]
        assert document.headers[0] == disposition("document", filename)
        assert document.content == content
    # The tuple's content type wins over the spec's.
    assert multipart(server.requests[-1])[0].header("Content-Type") == "text/csv"


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ("report.pdf", "`document` takes a file: bytes, a binary file object, an os.PathLike or a"),
        (io.StringIO("text"), "`document` takes a file opened in binary mode ('rb'), not text mode"),
        (42, "`document` takes a file"),
        (("a", "b", "c", {}, "e"), "`document` takes a file"),  # no file tuple: several files, each a str
        (("a.pdf", "b", None, {"Bad\r\nHeader": "x"}), "invalid header for the multipart part 'document'"),
    ],
)
def test_what_is_no_file_is_refused_before_sending(server: TestServer, given: Any, message: str) -> None:
    with (
        fixture_package("forms").Client(**client_options(server)) as client,
        pytest.raises((TypeError, ValueError)) as refused,
    ):
        upload(client, given)
    assert message in str(refused.value)
    assert server.requests == []


def test_a_missing_path_is_refused_before_sending(server: TestServer, tmp_path: Path) -> None:
    with fixture_package("forms").Client(**client_options(server)) as client, pytest.raises(FileNotFoundError):
        upload(client, tmp_path / "absent.pdf")
    assert server.requests == []


def test_files_are_read_again_on_a_retry(server: TestServer, flavour: Flavour, tmp_path: Path) -> None:
    path = tmp_path / "big.bin"
    path.write_bytes(os.urandom(200_000))  # several chunks
    handle = io.BytesIO(b"prefix" + b"seekable")
    handle.seek(6)
    retry = Reply(503, headers={"Retry-After": "0"})
    server.enqueue(retry, Reply(200, body=STORED), retry, Reply(200, body=STORED))
    run(
        flavour,
        "forms",
        server,
        lambda c: [
            c.documents.upload(document=path, title="t", images=[handle]),
            c.documents.ping(note="again"),
        ],
        max_retries=1,
        retry_non_idempotent=True,
    )
    first, second, third, fourth = server.requests
    assert first.body == second.body and third.body == fourth.body
    document, _, image = multipart(second)
    assert (document.content, image.content) == (path.read_bytes(), b"seekable")


# -- forms ----------------------------------------------------------------------------------------
def test_a_form_follows_its_encoding(server: TestServer, flavour: Flavour) -> None:
    m = fixture_package("forms", "models")
    server.enqueue(Reply(200, body=STORED), Reply(200, body=STORED))
    run(
        flavour,
        "forms",
        server,
        lambda c: [
            c.search.search(
                q="a b&c",
                filter={"state": "open", "owner": "me"},
                tags=["x", "y"],
                ids=[1, 2],
                point=m.SearchFormPoint(x=1, y=2),
                meta={"source": "web"},
                state=None,
                page=2,
            ),
            c.search.search(q="only", state=m.SearchFormState.CLOSED, extra_body={"debug": True}),
        ],
    )
    full, short = server.requests
    assert full.header("Content-Type") == "application/x-www-form-urlencoded"
    assert full.body == (
        b"q=a+b%26c"
        b"&state=open&owner=me"  # an object, style form exploded: its properties
        b"&tags=x%2Cy"  # explode false: one pair
        b"&ids=1%7C2"  # pipeDelimited
        b"&point%5Bx%5D=1&point%5By%5D=2"  # deepObject
        b"&meta=%7B%22source%22%3A%22web%22%7D"  # contentType application/json
        b"&page=2"  # `state=None`: no null in a form
    )
    assert short.body == b"q=only&state=closed&debug=true"


class _Nullable(enum.Enum):
    UNSET = None
    ON = "on"


def test_a_null_enum_member_is_never_the_text_none(server: TestServer) -> None:
    cancelled = {"job_id": "j", "status": "cancelled"}
    server.enqueue(
        *(Reply(200, body=STORED) for _ in range(2)), Reply(200, body={"items": []}), Reply(200, body=cancelled)
    )
    with fixture_package("forms").Client(**client_options(server)) as client:
        client.search.search(q="x", state=_Nullable.UNSET, tags=[_Nullable.UNSET, _Nullable.ON])  # type: ignore[arg-type, list-item]
        client.documents.upload(document=b"d", title="t", priority=_Nullable.UNSET)  # type: ignore[arg-type]
    with fixture_package("writes").Client(**client_options(server)) as client:
        client.beta.batch.job_items.list("j", status=_Nullable.UNSET)  # type: ignore[arg-type]
        client.beta.batch.cancel("j", temporal_namespace=_Nullable.UNSET)  # type: ignore[arg-type]
    form, parts, query, header = server.requests
    assert form.body == b"q=x&tags=on"
    assert [p.name for p in multipart(parts)] == ["document", "title"]
    assert query.query == ""
    assert header.header("temporal-namespace") is None
    for request in server.requests:
        assert b"None" not in request.body and "None" not in request.target
