"""The Redis namespace of a deployment: set, or derived from its database."""

from __future__ import annotations

from cadence.settings import Settings


def test_prefix_setting_wins() -> None:
    assert Settings(redis_prefix="prod-eu").redis_namespace == "prod-eu"


def test_derived_from_the_database_name_and_url() -> None:
    one = Settings(database_url="postgresql+asyncpg://app@db1/cadence")
    same = Settings(database_url="postgresql+asyncpg://app@db1/cadence")
    other_db = Settings(database_url="postgresql+asyncpg://app@db1/cadence_test_42_gw0")
    other_host = Settings(database_url="postgresql+asyncpg://app@db2/cadence")
    lite = Settings(database_url="sqlite+aiosqlite:///var/demo.db")
    assert one.redis_namespace == same.redis_namespace
    assert one.redis_namespace.startswith("cadence:cadence:")
    assert other_db.redis_namespace.startswith("cadence:cadence_test_42_gw0:")
    assert len({one.redis_namespace, other_db.redis_namespace, other_host.redis_namespace}) == 3
    assert lite.redis_namespace.startswith("cadence:demo:")
    assert "app@" not in one.redis_namespace  # credentials never leak into channel names
