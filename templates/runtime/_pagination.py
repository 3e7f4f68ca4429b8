"""Offset pagination: takes a parsed page, its `PageSpec` and `Call`, and a way to fetch the next; gives
pages and items that follow the server lazily, one page in memory at a time, never forever."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator, Awaitable, Callable, Generator, Iterator
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import pydantic_core

if TYPE_CHECKING:
    from ._operation import Call, PageSpec

T = TypeVar("T")


class _PageState(Generic[T]):
    """What a page knows of itself and how to ask for the next one."""

    items: list[T]
    total_size: int | None
    next_page_token: str | None
    data: Any  # the parsed page model, every field of it

    def __init__(self, data: Any, spec: PageSpec, call: Call) -> None:
        self.data = data
        self._spec = spec
        self._call = call
        self.items = list(getattr(data, spec.items, None) or [])
        # Identifies the items, not the whole body: a server that ignores the offset may still vary
        # the other fields (a fresh token, a timestamp) while serving the same items again. The first
        # and last items and the count tell pages of a listing apart without serialising them all.
        ends = [self.items[0], self.items[-1]] if self.items else []
        fingerprint = pydantic_core.to_json([len(self.items), *ends], fallback=repr)
        self._digest = hashlib.blake2b(fingerprint, digest_size=16).digest()
        self.total_size = getattr(data, spec.total, None) if spec.total else None
        self.next_page_token = getattr(data, spec.next_token, None) if spec.next_token else None

    @property
    def offset(self) -> int:
        value = self._call.query.get(self._spec.offset_param)
        return value if isinstance(value, int) and not isinstance(value, bool) else 0

    def has_next_page(self) -> bool:
        """More pages exist while the server says so: a next-page token, or a total not yet reached.
        An empty page always ends the listing."""
        if not self.items:
            return False
        if self.next_page_token:
            return True
        if self.total_size is not None:
            return self.offset + len(self.items) < self.total_size
        return False

    def _next_call(self) -> Call:
        # Only the offset changes: the caller's `limit` (the page size) and filters go with every page.
        return self._call.with_query(**{self._spec.offset_param: self.offset + len(self.items)})

    def _first_time(self, seen: set[bytes]) -> bool:
        """False for a page whose items this listing has already served: a server that ignores the
        offset serves the same items again and again, and following it would never end."""
        if self._digest in seen:
            return False
        seen.add(self._digest)
        return True


class SyncPage(_PageState[T]):
    """A page of results. Iterating it yields every item of this page and all the following ones."""

    def __init__(self, data: Any, spec: PageSpec, call: Call, fetch: Callable[[Call], SyncPage[T]]) -> None:
        super().__init__(data, spec, call)
        self._fetch = fetch

    def get_next_page(self) -> SyncPage[T]:
        if not self.has_next_page():
            raise RuntimeError("no next page; check has_next_page() first")
        return self._fetch(self._next_call())

    def iter_pages(self) -> Iterator[SyncPage[T]]:
        """This page, then each following one, fetched only when the previous one is done with."""
        return _pages(self)

    def __iter__(self) -> Iterator[T]:
        return _items(self)

    def __repr__(self) -> str:
        return f"SyncPage(items={len(self.items)}, offset={self.offset}, total_size={self.total_size})"


class AsyncPage(_PageState[T]):
    """A page of results. `async for` over it yields every item of this page and all the following ones."""

    def __init__(
        self, data: Any, spec: PageSpec, call: Call, fetch: Callable[[Call], Awaitable[AsyncPage[T]]]
    ) -> None:
        super().__init__(data, spec, call)
        self._fetch = fetch

    async def get_next_page(self) -> AsyncPage[T]:
        if not self.has_next_page():
            raise RuntimeError("no next page; check has_next_page() first")
        return await self._fetch(self._next_call())

    def iter_pages(self) -> AsyncIterator[AsyncPage[T]]:
        """This page, then each following one, fetched only when the previous one is done with."""
        return _async_pages(self)

    def __aiter__(self) -> AsyncIterator[T]:
        return _async_items(self)

    def __repr__(self) -> str:
        return f"AsyncPage(items={len(self.items)}, offset={self.offset}, total_size={self.total_size})"


class AsyncPaginator(Generic[T]):
    """What an async list method returns: `await` it for the first page, or `async for` over every item."""

    def __init__(self, first_page: Callable[[], Awaitable[AsyncPage[T]]]) -> None:
        self._first_page = first_page

    def __await__(self) -> Generator[Any, None, AsyncPage[T]]:
        return self._first_page().__await__()

    async def __aiter__(self) -> AsyncIterator[T]:
        async for item in _async_items(await self._first_page()):
            yield item


# The iterators are plain functions over a page rather than methods: a method's frame would hold the
# first page for the whole listing. A page is released before the next one is fetched (only the next
# call is needed for that), so a listing of any length keeps about one page in memory.
def _pages(page: SyncPage[T]) -> Iterator[SyncPage[T]]:
    seen = {page._digest}
    while True:
        yield page
        if not page.has_next_page():
            return
        fetch, call = page._fetch, page._next_call()
        del page
        page = fetch(call)
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
        fetch, call = page._fetch, page._next_call()
        del page
        page = await fetch(call)
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
