"""Alembic environment of the platform database."""

from chatbank.db.all_tables import platform_metadata
from chatbank.db.migration_env import run_migrations_online

run_migrations_online(platform_metadata)
