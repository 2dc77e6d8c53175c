"""SQL tables of the ads context: the only tables its database role may touch."""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, Column, DateTime, ForeignKey, Integer, String, Table

from chatbank.db.metadata import platform_metadata as md

ad_profiles = Table(
    "ad_profiles", md,
    Column("user_id", String(40), ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("interests", JSON, nullable=False),  # list of Interest values, chosen by the user
    Column("region", String(40), nullable=True),
    Column("show_ads", Boolean, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

ad_catalogue = Table(
    "ad_catalogue", md,
    Column("id", String(40), primary_key=True),
    Column("title", String(80), nullable=False),
    Column("body", String(200), nullable=False),
    Column("interests", JSON, nullable=False),
    Column("regions", JSON, nullable=False),
    Column("priority", Integer, nullable=False),
    Column("active", Boolean, nullable=False),
)

AD_TABLES = ("ad_profiles", "ad_catalogue")
