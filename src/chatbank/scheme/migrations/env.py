"""Alembic environment of the scheme's database (separate from the platform's and banks')."""

from __future__ import annotations

from chatbank.db.migration_env import run_migrations_online
from chatbank.scheme.tables import scheme_metadata

run_migrations_online(scheme_metadata)
