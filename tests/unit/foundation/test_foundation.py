"""Small foundation pieces that must hold on their own."""

from __future__ import annotations

import itertools
import json
import logging
from datetime import UTC, datetime, timedelta

import pytest
from pydantic import ValidationError

from cadence.accounts.roles import Role
from cadence.accounts.security import mint_access_token, read_access_token
from cadence.db import new_id
from cadence.errors import Unauthorized
from cadence.http.logging import JsonFormatter
from cadence.http.requestctx import request_id_var
from cadence.settings import DEV_SECRET, Settings

NOW = datetime(2026, 3, 29, 0, 30, tzinfo=UTC)


def test_production_refuses_the_development_secret() -> None:
    with pytest.raises(ValidationError, match="CADENCE_SECRET_KEY"):
        Settings(env="production", secret_key=DEV_SECRET)
    with pytest.raises(ValidationError):
        Settings(env="production", secret_key="short")
    assert Settings(env="production", secret_key="x" * 40).env == "production"


def test_roles_are_ordered() -> None:
    order = [Role.viewer, Role.member, Role.manager, Role.admin, Role.owner]
    for low, high in itertools.pairwise(order):
        assert high.at_least(low) and not low.at_least(high)


def test_ids_sort_by_creation_and_are_unique() -> None:
    ids = [new_id() for _ in range(1000)]
    assert len(set(ids)) == 1000
    assert all(len(i) == 32 for i in ids)


def test_access_tokens_expire_by_the_injected_clock() -> None:
    token = mint_access_token(
        secret="s" * 32, user_id="u", session_id="s", now=NOW, ttl=timedelta(minutes=15)
    )
    claims = read_access_token(token, secret="s" * 32, now=NOW + timedelta(minutes=14))
    assert claims.user_id == "u" and claims.session_id == "s"
    with pytest.raises(Unauthorized):
        read_access_token(token, secret="s" * 32, now=NOW + timedelta(minutes=15))
    with pytest.raises(Unauthorized):
        read_access_token(token, secret="another secret of 32 characters!", now=NOW)
    with pytest.raises(Unauthorized):
        read_access_token(token + "x", secret="s" * 32, now=NOW)


def test_json_log_lines_carry_the_request_id() -> None:
    token = request_id_var.set("req-42")
    try:
        record = logging.LogRecord(
            "cadence.test", logging.INFO, __file__, 1, "hello %s", ("world",), None
        )
        record.user = "ann"
        line = json.loads(JsonFormatter().format(record))
    finally:
        request_id_var.reset(token)
    assert line["message"] == "hello world"
    assert line["request_id"] == "req-42"
    assert line["user"] == "ann" and line["level"] == "info"
