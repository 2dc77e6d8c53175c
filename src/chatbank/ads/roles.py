"""The ads context's own PostgreSQL role: it can read and write ad tables and nothing else.

No grant is ever given on any other table, and no default privileges are set, so a table added
by a later migration is out of reach too until someone grants it explicitly.
"""

from __future__ import annotations

import re

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from chatbank.ads.adapters.tables import ad_catalogue, ad_profiles
from chatbank.core.errors import InvalidInput

ADS_ROLE = "chatbank_ads"
_ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def ads_role_sql(role: str = ADS_ROLE) -> list[str]:
    """The statements (after the role exists) that confine `role` to the ad tables."""
    if not _ROLE_NAME.match(role):
        raise InvalidInput("invalid_role_name", "Role names are lower-case identifiers.")
    return [
        f'ALTER ROLE "{role}" NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS',
        f'REVOKE ALL ON ALL TABLES IN SCHEMA public FROM "{role}"',
        f'REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM "{role}"',
        f'GRANT USAGE ON SCHEMA public TO "{role}"',
        f'GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE "{ad_profiles.name}" TO "{role}"',
        f'GRANT SELECT ON TABLE "{ad_catalogue.name}" TO "{role}"',
    ]


async def create_ads_role(admin_engine: AsyncEngine, password: str,
                          role: str = ADS_ROLE) -> None:
    """Create (or reset) the login role the ads context connects as, with ad-table grants only.

    Run as a database owner after migrations, on the platform database.
    """
    if admin_engine.dialect.name != "postgresql":
        raise InvalidInput("ads_role_needs_postgresql",
                           "Separate database roles exist only in PostgreSQL mode.")
    if len(password) < 16:
        raise InvalidInput("weak_password", "Give the ads role a password of 16+ characters.")
    grants = ads_role_sql(role)
    async with admin_engine.begin() as conn:
        exists = await conn.scalar(text("SELECT 1 FROM pg_roles WHERE rolname = :role"),
                                   {"role": role})
        verb = "ALTER" if exists else "CREATE"
        # The server quotes the name and the password itself (format %I / %L).
        statement = await conn.scalar(
            text(f"SELECT format('{verb} ROLE %I LOGIN PASSWORD %L', "
                 "CAST(:role AS text), CAST(:password AS text))"),
            {"role": role, "password": password})
        await conn.exec_driver_sql(str(statement))
        for statement in grants:
            await conn.exec_driver_sql(statement)


def ads_database_url(admin_url: str, password: str, role: str = ADS_ROLE) -> str:
    """The platform database URL, logging in as the ads role instead."""
    url = make_url(admin_url).set(username=role, password=password)
    return url.render_as_string(hide_password=False)
