"""The scheme's database schema, managed by its own Alembic migrations (no alembic.ini)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

SCHEME_MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def scheme_alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(SCHEME_MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", database_url)
    return config


def upgrade_scheme_database(database_url: str) -> None:
    """Bring the scheme database at `database_url` to the newest schema (blocking; Alembic
    runs its own event loop, so call it from a worker thread inside async code)."""
    command.upgrade(scheme_alembic_config(database_url), "head")
