"""The RFC 8288 `Link` header parser of the runtime: several links, several headers, quoted and token
parameters, escapes, several relation types, odd spacing and case, relative targets, broken entries."""

from __future__ import annotations

import sys

import httpx
import pytest
import update_goldens as goldens  # tests/ is on sys.path (conftest.py)

_ROOT = str(goldens.fixture_expected("pagination").parent)
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

from pagination._runtime._link_header import link_target  # type: ignore[import-not-found, unused-ignore]  # noqa: E402

BASE = httpx.URL("https://api.example.com/v1/repos?sort=name&page=1")


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (['<https://api.example.com/v1/repos?page=2>; rel="next"'], "https://api.example.com/v1/repos?page=2"),
        # GitHub's shape: several links in one header, `next` not first.
        (
            [
                '<https://x.test/r?page=1>; rel="prev", <https://x.test/r?page=3>; rel="next", '
                '<https://x.test/r?page=9>; rel="last"'
            ],
            "https://x.test/r?page=3",
        ),
        # Relative targets resolve against the request URL.
        (["<?sort=name&page=2>; rel=next"], "https://api.example.com/v1/repos?sort=name&page=2"),
        (["</v2/repos?page=2>; rel=next"], "https://api.example.com/v2/repos?page=2"),
        (["<page/2>; rel=next"], "https://api.example.com/v1/page/2"),
        # Several relation types, any case, odd spacing, the parameter in any position.
        (['<a?p=2> ;  title="x" ; REL = "Prev  NEXT"'], "https://api.example.com/v1/a?p=2"),
        # Commas, semicolons and escaped quotes inside a quoted string are no separators.
        (['<b?p=2>; title="one, two; \\"three\\", rel=next"; rel="next"'], "https://api.example.com/v1/b?p=2"),
        (['<c?p=1>; title="a, <d?p=9>; rel=next"; rel=prev, <c?p=3>; rel=next'], "https://api.example.com/v1/c?p=3"),
        # A comma inside the target does not split it.
        (["<e?ids=1,2,3>; rel=next"], "https://api.example.com/v1/e?ids=1,2,3"),
        # Only the first `rel` of a link counts (RFC 8288, 3.3).
        (["<f?p=2>; rel=prev; rel=next, <g?p=2>; rel=next"], "https://api.example.com/v1/g?p=2"),
        # The link may be in a later header field; broken entries are skipped.
        (
            ["garbage, <h?p=0>; rel=first", "no brackets; rel=next", '<i?p=2>; rel="next"'],
            "https://api.example.com/v1/i?p=2",
        ),
        # `nextish` and `next-page` are other relation types.
        (['<j>; rel="nextish next-page"'], None),
        (['<k>; title="rel=next"'], None),
        (["<unclosed; rel=next"], None),
        ([], None),
        ([""], None),
    ],
)
def test_the_next_link_is_found(values: list[str], expected: str | None) -> None:
    assert link_target(values, "next", BASE) == expected


def test_other_relations_can_be_asked_for() -> None:
    header = '<https://x.test/r?page=1>; rel="first prev", <https://x.test/r?page=9>; rel="last"'
    assert link_target([header], "last", BASE) == "https://x.test/r?page=9"
    assert link_target([header], "prev", BASE) == "https://x.test/r?page=1"
