"""Query serialisation follows each parameter's OpenAPI `style` and `explode`."""

from __future__ import annotations

import pytest
from llamacloud import omit  # type: ignore[import-not-found, unused-ignore]
from llamacloud._runtime._base_client import _query_items  # type: ignore[import-not-found, unused-ignore]


@pytest.mark.parametrize(
    ("style", "value", "expected"),
    [
        (("form", True), ["a", "b"], [("ids", "a"), ("ids", "b")]),
        (("form", False), ["a", "b"], [("ids", "a,b")]),
        (("spaceDelimited", False), ["a", "b"], [("ids", "a b")]),
        (("pipeDelimited", False), ["a", "b"], [("ids", "a|b")]),
        (("form", True), {"r": 1, "g": True}, [("r", "1"), ("g", "true")]),
        (("form", False), {"r": 1, "g": 2}, [("ids", "r,1,g,2")]),
        (("deepObject", True), {"r": 1, "g": None}, [("ids[r]", "1")]),
        (("form", True), None, []),
        (("form", True), omit, []),
    ],
)
def test_style_and_explode(style: tuple[str, bool], value: object, expected: list[tuple[str, str]]) -> None:
    assert _query_items({"ids": value}, {"ids": style}) == expected


def test_default_is_exploded_form() -> None:
    assert _query_items({"tag": ["x", "y"], "n": 3}) == [("tag", "x"), ("tag", "y"), ("n", "3")]
