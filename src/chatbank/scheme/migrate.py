"""The scheme's database schema, managed by its own Alembic migrations (no alembic.ini)."""

from __future__ import annotations

from pathlib import Path

from chatbank.db.migrate import upgrade_to_head

SCHEME_MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def upgrade_scheme_database(database_url: str) -> None:
    """Bring the scheme database at `database_url` to the newest schema (blocking)."""
    upgrade_to_head(database_url, SCHEME_MIGRATIONS_DIR)
