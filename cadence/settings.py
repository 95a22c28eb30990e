"""Configuration from `CADENCE_*` environment variables.

One settings object is built at start-up and passed down; nothing reads the environment later.
Production refuses to start with the development secret, so a forgotten variable cannot
silently sign tokens with a publicly known key.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEV_SECRET = "dev-insecure-secret-change-me-0123456789abcdef"  # noqa: S105 - refused in production


def default_database_url() -> str:
    return f"sqlite+aiosqlite:///{Path('var') / 'cadence.db'}"


class Settings(BaseSettings):
    """Every tunable of a Cadence deployment."""

    model_config = SettingsConfigDict(env_prefix="CADENCE_", extra="ignore")

    env: Literal["development", "test", "production"] = "development"
    database_url: str = Field(default_factory=default_database_url)
    redis_url: str | None = None
    # Prefix of this deployment's Redis channels; unset: derived from the database (see
    # `redis_namespace`), so deployments or test runs sharing one Redis never cross-talk.
    redis_prefix: str | None = None
    # Webhook URLs may point at private, loopback and link-local addresses (tests, intranets).
    webhook_allow_private: bool = False
    smtp_url: str | None = None
    secret_key: str = DEV_SECRET
    base_url: str = "http://127.0.0.1:8000"
    access_token_minutes: int = 15
    refresh_token_days: int = 30
    web_session_days: int = 14
    invitation_days: int = 7
    password_reset_minutes: int = 60
    login_failure_limit: int = 10
    login_failure_window_minutes: int = 15
    job_lease_seconds: int = 60
    # Run the job worker inside the web process: unset means "only on SQLite".
    run_worker: bool | None = None
    max_body_bytes: int = 1024 * 1024
    log_level: str = "INFO"
    log_json: bool = True
    run_migrations_on_start: bool = True

    @model_validator(mode="after")
    def _refuse_insecure_production(self) -> Settings:
        if self.env == "production" and (
            self.secret_key == DEV_SECRET or len(self.secret_key) < 32
        ):
            raise ValueError(
                "CADENCE_SECRET_KEY must be set to a random value of at least 32 characters "
                "in production"
            )
        return self

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def redis_namespace(self) -> str:
        """`redis_prefix`, or "cadence:<database name>:<hash of the database URL>"."""
        if self.redis_prefix:
            return self.redis_prefix
        url = self.database_url
        name = Path(urlsplit(url).path).stem or "db"
        digest = hashlib.sha256(url.encode()).hexdigest()[:10]
        return f"cadence:{name}:{digest}"

    @property
    def public_host(self) -> str:
        """The host name of `base_url` ("" if it has none): for Message-IDs, UIDs, VAPID."""
        return urlsplit(self.base_url).hostname or ""

    @property
    def secure_cookies(self) -> bool:
        return self.base_url.startswith("https://")


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings()
