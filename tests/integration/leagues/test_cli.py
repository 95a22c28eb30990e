"""`cadence season generate`: the solver from the shell, written as a run and applied."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from click.testing import CliRunner

from cadence.cli import main
from tests.integration.leagues.helpers import league


async def test_cli_generates_and_applies_a_season(
    client: httpx.AsyncClient, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    lg = await league(client)
    monkeypatch.setenv("CADENCE_DATABASE_URL", database_url)
    args = ["season", "generate", lg.season_id, "--time-limit", "2", "--seed", "4", "--apply"]
    result = await asyncio.to_thread(CliRunner().invoke, main, args)
    assert result.exit_code == 0, result.output
    last = result.output.strip().splitlines()[-1]
    assert last.startswith("hard=0 cost=") and " run=" in last
    run_id = last.rsplit("run=", 1)[1]
    run = await client.get(f"{lg.base}/runs/{run_id}", headers=lg.manager.auth)
    assert run.json()["status"] == "done" and run.json()["applied_at"]
    schedule = (await client.get(f"{lg.base}/schedule", headers=lg.manager.auth)).json()
    assert schedule["hard"] == 0
    assert sum(len(r["games"]) for r in schedule["rounds"]) == 12
    missing = await asyncio.to_thread(CliRunner().invoke, main, ["season", "generate", "0" * 32])
    assert missing.exit_code != 0 and "No such season" in missing.output
