"""Fixtures of the ads tests: migrated SQLite copies, and a throwaway PostgreSQL."""

from tests.privacy.databases import database_url, engine, migrated_template
from tests.support.postgres import postgres_server

__all__ = ["database_url", "engine", "migrated_template", "postgres_server"]
