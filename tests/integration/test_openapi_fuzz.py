"""Schemathesis over /openapi.json: no input may cause a 5xx or an off-schema response."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.live import live_server

PASSWORD = "correct horse battery"


@pytest.mark.slow
def test_fuzzing_the_api_finds_no_server_error(tmp_path: Path) -> None:
    with live_server(tmp_path) as base:
        httpx.post(
            f"{base}/api/v1/auth/register",
            json={"email": "fuzz@example.com", "password": PASSWORD, "name": "Fuzz"},
        )
        tokens = httpx.post(
            f"{base}/api/v1/auth/login", json={"email": "fuzz@example.com", "password": PASSWORD}
        ).json()
        auth = f"Authorization: Bearer {tokens['access_token']}"
        httpx.post(
            f"{base}/api/v1/orgs",
            json={"name": "Fuzz org", "timezone": "UTC"},
            headers={"Authorization": f"Bearer {tokens['access_token']}"},
        )
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "schemathesis.cli",
                "run",
                f"{base}/openapi.json",
                "--checks",
                "not_a_server_error,response_schema_conformance",
                "--max-examples",
                "6",
                "--seed",
                "1",
                "-H",
                auth,
                "--phases",
                "coverage,fuzzing",
                "--exclude-path",
                "/api/v1/auth/logout",
                "--exclude-path",
                "/api/v1/me/delete",
                "--exclude-path",
                "/api/v1/me/password",
                "--suppress-health-check",
                "all",
                "--no-color",
            ],
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        failures = result.stdout.find("FAILURES")
        shown = result.stdout[failures : failures + 8000] if failures >= 0 else ""
        assert result.returncode == 0, shown + result.stdout[-3000:] + result.stderr[-2000:]
