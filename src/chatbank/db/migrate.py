"""Run Alembic migrations programmatically (no alembic.ini needed).

One runner for every database that has its own migrations folder: the platform's (the
default), each bank's and the scheme's pass their folder as `script_location`.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def alembic_config(database_url: str, script_location: Path = MIGRATIONS_DIR) -> Config:
    config = Config()
    config.set_main_option("script_location", str(script_location))
    config.set_main_option("sqlalchemy.url", database_url)
    return config


def upgrade_to_head(database_url: str, script_location: Path = MIGRATIONS_DIR) -> None:
    """Bring the database at `database_url` to the newest schema of `script_location`
    (blocking; Alembic runs its own event loop, so call it from a worker thread inside async
    code)."""
    command.upgrade(alembic_config(database_url, script_location), "head")
