"""The event decoders of the runtime (`_sse.py`), without I/O: server-sent events by the WHATWG
"event stream interpretation" rules, JSON Lines and RFC 7464 JSON text sequences.

Every stream is also fed cut at every byte position and one byte at a time: a decoder must give the
same events however the body arrives, and each event as soon as its last byte is in.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from llamacloud._runtime._sse import (  # type: ignore[import-not-found, unused-ignore]
    JSONLinesDecoder,
    JSONSeqDecoder,
    LineSplitter,
    ServerSentEvent,
    SSEDecoder,
)

Decoder = SSEDecoder | JSONLinesDecoder | JSONSeqDecoder
Event = tuple[str, str, str | None, int | None]  # (event, data, id, retry)


def shape(event: ServerSentEvent) -> Event:
    return (event.event, event.data, event.id, event.retry)


def whole(make: Callable[[], Decoder], body: bytes) -> list[Event]:
    decoder = make()
    return [shape(e) for e in decoder.feed(body) + decoder.end()]


def every_split(make: Callable[[], Decoder], body: bytes) -> list[list[Event]]:
    """The events of `body` fed in two pieces, cut at each position, and fed one byte at a time."""
    results = []
    for cut in range(len(body) + 1):
        decoder = make()
        found = decoder.feed(body[:cut]) + decoder.feed(body[cut:]) + decoder.end()
        results.append([shape(e) for e in found])
    decoder = make()
    found = [e for i in range(len(body)) for e in decoder.feed(body[i : i + 1])] + decoder.end()
    results.append([shape(e) for e in found])
    return results


def sse(body: bytes) -> list[Event]:
    """The events of an SSE body, checked to be the same however the body is cut."""
    events = whole(SSEDecoder, body)
    assert all(found == events for found in every_split(SSEDecoder, body))
    return events


# -- server-sent events ------------------------------------------------------------------------
def test_data_lines_are_joined_with_line_feeds() -> None:
    assert sse(b"data: first\ndata: second\ndata:\ndata:  two spaces\n\n") == [
        ("message", "first\nsecond\n\n two spaces", None, None)
    ]


@pytest.mark.parametrize("end", [b"\n", b"\r\n", b"\r"], ids=["LF", "CRLF", "CR"])
def test_every_line_end_ends_a_line(end: bytes) -> None:
    body = b"event: update" + end + b"data: 1" + end + b"data: 2" + end + end + b"data: 3" + end + end
    assert sse(body) == [("update", "1\n2", None, None), ("message", "3", None, None)]


def test_mixed_line_ends_and_a_crlf_split_between_chunks() -> None:
    body = b"data: a\r\ndata: b\rdata: c\n\r\ndata: d\r\r"
    assert sse(body) == [("message", "a\nb\nc", None, None), ("message", "d", None, None)]
    decoder = SSEDecoder()
    assert decoder.feed(b"data: x\r") == []
    assert [shape(e) for e in decoder.feed(b"\n\r\n")] == [("message", "x", None, None)]


def test_a_leading_bom_is_dropped_once() -> None:
    assert sse(b"\xef\xbb\xbfdata: a\n\n") == [("message", "a", None, None)]
    # Only at the very start: a second BOM is part of the field name, so the line is ignored.
    assert sse(b"\xef\xbb\xbf\xef\xbb\xbfdata: a\n\ndata: b\n\n") == [("message", "b", None, None)]


def test_comments_and_unknown_fields_are_ignored() -> None:
    body = b": keep-alive\n:\nfoo: bar\ndata: kept\nDATA: not data\nData: nor this\n\n"
    assert sse(body) == [("message", "kept", None, None)]


def test_a_field_without_a_colon_has_an_empty_value() -> None:
    assert sse(b"data\ndata\n\n") == [("message", "\n", None, None)]
    assert sse(b"data\n\n") == [("message", "", None, None)]
    assert sse(b"event\ndata: x\n\n") == [("message", "x", None, None)]


def test_only_one_space_after_the_colon_is_dropped() -> None:
    assert sse(b"data:no space\n\ndata:  two\n\ndata:\ttab\n\n") == [
        ("message", "no space", None, None),
        ("message", " two", None, None),
        ("message", "\ttab", None, None),
    ]


def test_an_event_without_data_is_not_dispatched_and_resets_the_name() -> None:
    assert sse(b"event: ping\n\ndata: x\n\n") == [("message", "x", None, None)]
    assert sse(b"\n\n\n") == []


def test_the_last_event_id_persists_and_ignores_values_with_nul() -> None:
    body = b"id: 1\ndata: a\n\ndata: b\n\nid: 2\x00x\ndata: c\n\nid\ndata: d\n\n"
    assert sse(body) == [
        ("message", "a", "1", None),
        ("message", "b", "1", None),
        ("message", "c", "1", None),
        ("message", "d", "", None),
    ]


def test_retry_counts_only_when_all_digits() -> None:
    body = b"retry: 3000\ndata: a\n\nretry: 3s\ndata: b\n\nretry: -1\ndata: c\n\nretry:\ndata: d\n\n"
    assert sse(body) == [
        ("message", "a", None, 3000),
        ("message", "b", None, None),
        ("message", "c", None, None),
        ("message", "d", None, None),
    ]


def test_an_event_not_ended_by_a_blank_line_is_discarded_at_the_end() -> None:
    assert sse(b"data: complete\n\ndata: incomplete\n") == [("message", "complete", None, None)]
    assert sse(b"data: complete\n\ndata: no line end") == [("message", "complete", None, None)]


def test_each_event_comes_out_as_soon_as_its_blank_line_is_in() -> None:
    decoder = SSEDecoder()
    assert decoder.feed(b"data: one\n") == []
    assert [e.data for e in decoder.feed(b"\ndata: tw")] == ["one"]
    assert [e.data for e in decoder.feed(b"o\n\n")] == ["two"]


def test_data_is_text_decoded_as_utf8_and_kept_as_sent() -> None:
    (event,) = SSEDecoder().feed('data: {"w": "é→"}\n\n'.encode())
    assert event.data == '{"w": "é→"}'
    assert event.json() == {"w": "é→"}
    assert event.raw == '{"w": "é→"}'.encode()
    # A character cut between chunks is whole in the event.
    decoder = SSEDecoder()
    encoded = "data: é\n\n".encode()
    assert decoder.feed(encoded[:7]) == []
    assert [e.data for e in decoder.feed(encoded[7:])] == ["é"]


def test_events_compare_by_value() -> None:
    assert ServerSentEvent(b"x", "e", "1", 5) == ServerSentEvent(b"x", "e", "1", 5)
    assert ServerSentEvent(b"x") != ServerSentEvent(b"y")
    assert repr(ServerSentEvent(b"x", id="1")) == "ServerSentEvent(event='message', data='x', id='1', retry=None)"


# -- JSON Lines and JSON text sequences ---------------------------------------------------------
def test_json_lines_one_record_per_line_blank_lines_skipped() -> None:
    body = b'{"a": 1}\n\n  \r\n{"a": 2}\r\n{"a": 3}'
    expected = [("message", '{"a": 1}', None, None), ("message", '{"a": 2}', None, None)]
    expected.append(("message", '{"a": 3}', None, None))
    assert whole(JSONLinesDecoder, body) == expected
    assert all(found == expected for found in every_split(JSONLinesDecoder, body))


def test_json_lines_give_each_line_when_it_ends() -> None:
    decoder = JSONLinesDecoder()
    assert decoder.feed(b'{"a"') == []
    assert [e.json() for e in decoder.feed(b': 1}\n{"a": 2}')] == [{"a": 1}]
    assert [e.json() for e in decoder.end()] == [{"a": 2}]


def test_json_seq_records_start_with_a_record_separator() -> None:
    records = [{"a": 1}, [1, 2], "text", 7, {"pretty": {"spans": ["lines"]}}]
    body = b"".join(
        b"\x1e" + json.dumps(r, indent=2 if i == 4 else None).encode() + b"\n" for i, r in enumerate(records)
    )
    assert [json.loads(data) for _, data, _, _ in whole(JSONSeqDecoder, body)] == records
    assert all([json.loads(d) for _, d, _, _ in found] == records for found in every_split(JSONSeqDecoder, body))


def test_json_seq_gives_a_record_once_it_ends_in_a_line_feed_and_is_whole() -> None:
    decoder = JSONSeqDecoder()
    assert decoder.feed(b'\x1e{"a":\n') == []  # a line feed inside the text: not whole yet
    assert [e.json() for e in decoder.feed(b" 1}\n")] == [{"a": 1}]
    assert [e.json() for e in decoder.feed(b"\x1e2\n\x1e3")] == [2]
    assert [e.json() for e in decoder.end()] == [3]


# -- lines of any body ---------------------------------------------------------------------------
def test_line_splitter_keeps_an_open_line_until_it_ends() -> None:
    splitter = LineSplitter()
    assert splitter.feed(b"a") == [] and splitter.feed(b"b") == []
    assert splitter.feed(b"c\r") == [b"abc"]
    assert splitter.feed(b"\nd\n\ne") == [b"d", b""]
    assert splitter.end() == b"e"
