"""Pages of a listing, in every `x-pagination` style: takes a parsed page, its `PageSpec`, `Call` and
response, and a way to fetch a call; gives pages and items that follow the server lazily, one page in
memory at a time, never forever. What each style reads and sends is `_page_styles`."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator, Awaitable, Callable, Generator, Iterator
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import httpx
import pydantic_core

from ._page_styles import PageFacts, item_list, next_call, read_facts
from ._values import jsonable

if TYPE_CHECKING:
    from ._operation import Call, PageSpec

T = TypeVar("T")


class _PageState(Generic[T]):
    """What a page knows of itself and how to ask for the next one."""

    items: list[T]  # the page's items (iterating the page goes on to the following pages)
    # The parsed body, every field of it: a name no API's field has (a page's list is often `data`).
    parsed_body: Any

    def __init__(self, data: Any, spec: PageSpec, call: Call, response: httpx.Response) -> None:
        self.parsed_body = data
        self._spec = spec
        self.items = item_list(data, spec.items)
        # Identifies the items, not the whole body: a server that ignores the offset (or the cursor)
        # may still vary the other fields (a fresh token, a timestamp) while serving the same items
        # again. The first and last items and the count tell pages of a listing apart without
        # serialising them all. Models go in as plain data (`model_dump`, which builds a model class
        # on first use): before pydantic 2.14, pydantic_core cannot serialise an instance of a class
        # only ever built as part of another (`defer_build`), as the items of a page are.
        ends = [jsonable(self.items[0]), jsonable(self.items[-1])] if self.items else []
        fingerprint = pydantic_core.to_json([len(self.items), *ends], fallback=repr)
        self._digest = hashlib.blake2b(fingerprint, digest_size=16).digest()
        self._facts: PageFacts = read_facts(spec, data, call, self.items, response)
        self._next: tuple[Call | None] | None = None  # worked out on first use

    @property
    def total_size(self) -> int | None:
        """The number of items of the whole listing, when the API sends it (`x-pagination.total`)."""
        return self._facts.total

    @property
    def next_page_token(self) -> Any:
        """The token of the next page (offset and cursor styles), as the server sent it."""
        return self._facts.token

    @property
    def next_page_url(self) -> str | None:
        """The absolute URL of the next page (next-url and link-header styles)."""
        return self._facts.url

    @property
    def offset(self) -> int | None:
        """The number of items of the listing before this page (offset and page styles)."""
        return self._facts.position

    def has_next_page(self) -> bool:
        """Whether the server says more pages follow; an empty page always ends the listing."""
        return self._next_call() is not None

    def _next_call(self) -> Call | None:
        if self._next is None:
            self._next = (next_call(self._spec, self._facts),)
        return self._next[0]

    def _following(self) -> tuple[Call, int | None]:
        """The next page's call, and its position in the listing (page numbers do not say it)."""
        call = self._next_call()
        if call is None:
            raise RuntimeError("no next page; check has_next_page() first")
        position = self._facts.position
        return call, None if position is None else position + self._facts.size

    def _placed(self, position: int | None) -> None:
        """Sets where the listing had got to before this page, as the page before it knew."""
        if position is not None and self._spec.style == "page":
            self._facts = self._facts._replace(position=position)
            self._next = None

    def _first_time(self, seen: set[bytes]) -> bool:
        """False for a page whose items this listing has already served: a server that ignores the
        offset serves the same items again and again, and following it would never end."""
        if self._digest in seen:
            return False
        seen.add(self._digest)
        return True

    def __repr__(self) -> str:
        shown = [f"items={len(self.items)}"]
        if self._spec.style == "offset":
            shown.append(f"offset={self.offset}")
        if self._spec.total:
            shown.append(f"total_size={self.total_size}")
        if self._spec.style not in ("offset", "page"):
            shown.append(f"has_next_page={self.has_next_page()}")
        return f"{type(self).__name__}({', '.join(shown)})"


class SyncPage(_PageState[T]):
    """A page of results. Iterating it yields every item of this page and all the following ones."""

    def __init__(
        self, data: Any, spec: PageSpec, call: Call, response: httpx.Response, fetch: Callable[[Call], SyncPage[T]]
    ) -> None:
        super().__init__(data, spec, call, response)
        self._fetch = fetch

    def get_next_page(self) -> SyncPage[T]:
        call, position = self._following()
        page = self._fetch(call)
        page._placed(position)
        return page

    def iter_pages(self) -> Iterator[SyncPage[T]]:
        """This page, then each following one, fetched only when the previous one is done with."""
        return _pages(self)

    def __iter__(self) -> Iterator[T]:
        return _items(self)


class AsyncPage(_PageState[T]):
    """A page of results. `async for` over it yields every item of this page and all the following ones."""

    def __init__(
        self,
        data: Any,
        spec: PageSpec,
        call: Call,
        response: httpx.Response,
        fetch: Callable[[Call], Awaitable[AsyncPage[T]]],
    ) -> None:
        super().__init__(data, spec, call, response)
        self._fetch = fetch

    async def get_next_page(self) -> AsyncPage[T]:
        call, position = self._following()
        page = await self._fetch(call)
        page._placed(position)
        return page

    def iter_pages(self) -> AsyncIterator[AsyncPage[T]]:
        """This page, then each following one, fetched only when the previous one is done with."""
        return _async_pages(self)

    def __aiter__(self) -> AsyncIterator[T]:
        return _async_items(self)


class AsyncPaginator(Generic[T]):
    """What an async list method returns: `await` it for the first page, or `async for` over every item."""

    def __init__(self, first_page: Callable[[], Awaitable[AsyncPage[T]]]) -> None:
        self._first_page = first_page

    def __await__(self) -> Generator[Any, None, AsyncPage[T]]:
        return self._first_page().__await__()

    async def __aiter__(self) -> AsyncIterator[T]:
        async for item in _async_items(await self._first_page()):
            yield item

    async def iter_pages(self) -> AsyncIterator[AsyncPage[T]]:
        """Every page, the first one included, each fetched only when the previous one is done with:
        `async for page in client.<resource>.<list>(...).iter_pages()`."""
        async for page in _async_pages(await self._first_page()):
            yield page


# The iterators are plain functions over a page rather than methods: a method's frame would hold the
# first page for the whole listing. A page is released before the next one is fetched (only the next
# call is needed for that), so a listing of any length keeps about one page in memory.
def _pages(page: SyncPage[T]) -> Iterator[SyncPage[T]]:
    seen = {page._digest}
    while True:
        yield page
        if not page.has_next_page():
            return
        fetch, (call, position) = page._fetch, page._following()
        del page
        page = fetch(call)
        page._placed(position)
        if not page._first_time(seen):
            return


def _items(first: SyncPage[T]) -> Iterator[T]:
    pages = _pages(first)
    del first
    for page in pages:
        items = page.items
        del page
        yield from items
        del items


async def _async_pages(page: AsyncPage[T]) -> AsyncIterator[AsyncPage[T]]:
    seen = {page._digest}
    while True:
        yield page
        if not page.has_next_page():
            return
        fetch, (call, position) = page._fetch, page._following()
        del page
        page = await fetch(call)
        page._placed(position)
        if not page._first_time(seen):
            return


async def _async_items(first: AsyncPage[T]) -> AsyncIterator[T]:
    pages = _async_pages(first)
    del first
    async for page in pages:
        items = page.items
        del page
        for item in items:
            yield item
        del items


__all__ = ["AsyncPage", "AsyncPaginator", "SyncPage"]
