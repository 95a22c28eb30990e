"""The page cache's bookkeeping: bounded memory, versioned tags, ETag comparison."""

from __future__ import annotations

from cadence.web.pagecache import ALL, Entry, Key, PageCache, etag_of, matches, scope_of


def _entry(cache: PageCache, path: str, size: int = 10) -> Entry:
    body = b"x" * size
    return Entry(200, [], body, etag_of(body), 0.0, cache.stamp(path))


def _key(path: str, query: bytes = b"") -> Key:
    return (b"testserver", path, query, b"")


def test_memory_is_bounded_in_pages_and_bytes() -> None:
    cache = PageCache(max_entries=3, max_bytes=1600)
    for i in range(5):
        cache.put(_key("/events", str(i).encode()), _entry(cache, "/events"))
    assert len(cache.entries) == 3 and cache.size == 30
    assert cache.get(_key("/events", b"0")) is None and cache.get(_key("/events", b"4"))
    cache.put(_key("/big"), _entry(cache, "/big", 101))  # over max_bytes // 16: not kept
    assert cache.get(_key("/big")) is None
    cache.put(_key("/a"), _entry(cache, "/a", 100))
    cache.put(_key("/b"), _entry(cache, "/b", 100))
    assert cache.size <= 1600 and len(cache.entries) <= 3


def test_a_change_drops_its_event_page_and_the_listings_only() -> None:
    cache = PageCache()
    pages = ["/events/e1", "/events/e2", "/events", "/"]
    for path in pages:
        cache.put(_key(path), _entry(cache, path))
    cache.invalidate({"e1"})
    kept = [path for path in pages if cache.get(_key(path)) is not None]
    assert kept == ["/events/e2"]
    cache.invalidate({ALL})
    assert cache.get(_key("/events/e2")) is None


def test_a_render_that_began_before_a_change_is_not_kept() -> None:
    cache = PageCache()
    begun = _entry(cache, "/events/e1")
    cache.invalidate({"e1"})
    cache.put(_key("/events/e1"), begun)
    assert cache.get(_key("/events/e1")) is None


def test_scopes_and_validators() -> None:
    assert scope_of("/events/abc") == "abc" and scope_of("/events") == ALL
    assert scope_of("/events/abc/book") == ALL
    tag = etag_of(b"page")
    assert tag.startswith(b'"') and tag != etag_of(b"page2")
    assert matches(tag, tag) and matches(b"W/" + tag, tag) and matches(b"*", tag)
    assert matches(b'"a", ' + tag, tag) and not matches(b'"a"', tag)
