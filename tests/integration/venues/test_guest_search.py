"""The guest book's search: by tag and by name, email or phone, filtered in SQL, so pages
are full, cursors walk every match once and `total` counts them all (on both databases)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
from alembic import command
from sqlalchemy import inspect, text
from sqlalchemy.ext.asyncio import create_async_engine

from cadence.migrate import alembic_config
from tests.integration.conftest import Person, add_member, make_org, signup


async def setup(client: httpx.AsyncClient) -> tuple[Person, Person, str]:
    owner = await signup(client, "owner@backroom.example")
    org = await make_org(client, owner, "Backroom")
    r = await client.put(
        f"/api/v1/orgs/{org}/venue",
        json={"name": "The Backroom", "timezone": "Europe/London"},
        headers=owner.auth,
    )
    assert r.status_code == 200, r.text
    staff = await signup(client, "staff@backroom.example")
    await add_member(client, org, owner, staff, "member")
    return owner, staff, org


async def walk(
    client: httpx.AsyncClient, staff: Person, url: str, **params: str | int
) -> tuple[list[list[str]], int]:
    """Every page of a search: the names on each page, and the total it reported."""
    pages: list[list[str]] = []
    cursor: str | None = None
    totals = set()
    while True:
        query = {**params, **({"cursor": cursor} if cursor else {})}
        r = await client.get(url, params=query, headers=staff.auth)
        assert r.status_code == 200, r.text
        body = r.json()
        pages.append([g["name"] for g in body["items"]])
        totals.add(body["total"])
        cursor = body["next_cursor"]
        if cursor is None:
            break
        assert len(pages) < 20
    assert len(totals) == 1
    return pages, totals.pop()


async def test_tag_filter_pages_through_every_match(client: httpx.AsyncClient) -> None:
    _, staff, org = await setup(client)
    url = f"/api/v1/orgs/{org}/venue/guests"
    # twelve guests, every third a VIP (newest first: 11, 8, 5, 2), some with other tags
    for i in range(12):
        tags = ["VIP "] if i % 3 == 2 else (["vipish", "window"] if i % 2 else [])
        r = await client.post(
            url,
            json={
                "name": f"Guest {i:02d}",
                "email": f"guest{i}@example.com",
                "phone": f"+44 20 7946 {i:04d}",
                "tags": tags,
            },
            headers=staff.auth,
        )
        assert r.status_code == 201, r.text
    pages, total = await walk(client, staff, url, tag="vip", limit=3)
    assert pages == [["Guest 11", "Guest 08", "Guest 05"], ["Guest 02"]]
    assert total == 4
    pages, total = await walk(client, staff, url, tag="  VIP", limit=2)
    assert pages == [["Guest 11", "Guest 08"], ["Guest 05", "Guest 02"]] and total == 4
    # a tag is matched whole, not as a part of another
    pages, total = await walk(client, staff, url, tag="window", limit=50)
    assert total == 4 and pages == [["Guest 09", "Guest 07", "Guest 03", "Guest 01"]]
    pages, total = await walk(client, staff, url, tag="vi", limit=50)
    assert pages == [[]] and total == 0
    # everyone, three pages of five
    pages, total = await walk(client, staff, url, limit=5)
    assert [len(p) for p in pages] == [5, 5, 2] and total == 12
    # a search and a tag together
    pages, total = await walk(client, staff, url, tag="vip", q="guest 1", limit=50)
    assert pages == [["Guest 11"]] and total == 1

    # retagging moves a guest in and out of the filter
    first = (await client.get(url, params={"q": "guest2@"}, headers=staff.auth)).json()
    guest = first["items"][0]
    assert guest["name"] == "Guest 02" and guest["tags"] == ["vip"]
    r = await client.patch(f"{url}/{guest['id']}", json={"tags": ["regular"]}, headers=staff.auth)
    assert r.status_code == 200
    other = (await client.get(url, params={"q": "Guest 09"}, headers=staff.auth)).json()
    r = await client.patch(
        f"{url}/{other['items'][0]['id']}", json={"tags": ["window", "vip"]}, headers=staff.auth
    )
    assert r.status_code == 200 and r.json()["tags"] == ["window", "vip"]
    pages, total = await walk(client, staff, url, tag="vip", limit=3)
    assert pages == [["Guest 11", "Guest 09", "Guest 08"], ["Guest 05"]] and total == 4
    # an erased guest leaves the filter with its profile
    owner_view = await client.get(url, params={"tag": "regular"}, headers=staff.auth)
    assert [g["name"] for g in owner_view.json()["items"]] == ["Guest 02"]


async def test_search_by_name_email_or_phone(client: httpx.AsyncClient) -> None:
    owner, staff, org = await setup(client)
    url = f"/api/v1/orgs/{org}/venue/guests"
    for name, email, phone in (
        ("Ada Lovelace", "ada@example.com", "+44 20 7946 0001"),
        ("Grace Hopper", "GRACE@navy.example", "(202) 555-0142"),
        ("Alan 100% Turing", None, None),
        ("Edsger_Dijkstra", "ewd@example.nl", None),
    ):
        r = await client.post(
            url, json={"name": name, "email": email, "phone": phone}, headers=staff.auth
        )
        assert r.status_code == 201, r.text

    async def names(q: str) -> list[str]:
        r = await client.get(url, params={"q": q}, headers=staff.auth)
        assert r.status_code == 200, r.text
        assert r.json()["total"] == len(r.json()["items"])
        return sorted(g["name"] for g in r.json()["items"])

    assert await names("lovelace") == ["Ada Lovelace"]
    assert await names("  GRACE  ") == ["Grace Hopper"]
    assert await names("navy.example") == ["Grace Hopper"]  # email, any case
    assert await names("7946") == ["Ada Lovelace"]
    assert await names("20 7946-0001") == ["Ada Lovelace"]  # the digits, however typed
    assert await names("2025550142") == ["Grace Hopper"]
    everyone = ["Ada Lovelace", "Alan 100% Turing", "Edsger_Dijkstra", "Grace Hopper"]
    assert await names("a") == everyone
    # LIKE's own wildcards are taken literally
    assert await names("100%") == ["Alan 100% Turing"]
    assert await names("%") == ["Alan 100% Turing"]
    assert await names("e_s") == []  # "eds" would match a wildcard
    assert await names("_") == ["Edsger_Dijkstra"]
    assert await names("nobody") == []
    # another organisation's staff see none of it
    stranger = await signup(client, "stranger@elsewhere.example")
    await make_org(client, stranger, "Elsewhere")
    assert (await client.get(url, params={"q": "a"}, headers=stranger.auth)).status_code == 404
    assert owner.id


async def test_the_migration_copies_existing_tags_into_rows(
    client: httpx.AsyncClient, database_url: str
) -> None:
    """Guest books tagged before 0018 are searchable by tag after it."""
    _, staff, org = await setup(client)
    url = f"/api/v1/orgs/{org}/venue/guests"
    for name, tags in (("Old Regular", ["vip", "window"]), ("Someone", [])):
        r = await client.post(url, json={"name": name, "tags": tags}, headers=staff.auth)
        assert r.status_code == 201
    engine = create_async_engine(database_url)
    config = alembic_config()

    def to(revision: str) -> Callable[[Any], None]:
        def run(sync_conn: Any) -> None:
            config.attributes["connection"] = sync_conn
            if revision == "heads":
                command.upgrade(config, revision)
            else:
                command.downgrade(config, revision)

        return run

    try:
        async with engine.begin() as conn:
            await conn.run_sync(to("0017_leagues"))
            tables = await conn.run_sync(lambda c: inspect(c).get_table_names())
            assert "venue_guest_tags" not in tables
        async with engine.begin() as conn:
            await conn.run_sync(to("heads"))
        async with engine.connect() as conn:
            rows = (await conn.execute(text("SELECT tag FROM venue_guest_tags"))).all()
            assert sorted(r[0] for r in rows) == ["vip", "window"]
    finally:
        await engine.dispose()
    found = (await client.get(url, params={"tag": "window"}, headers=staff.auth)).json()
    assert [g["name"] for g in found["items"]] == ["Old Regular"] and found["total"] == 1
