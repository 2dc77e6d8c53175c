"""Database plumbing shared by the platform's adapters: metadata, engines, migrations."""

from chatbank.db.engine import create_engine_for_url
from chatbank.db.metadata import platform_metadata

__all__ = ["create_engine_for_url", "platform_metadata"]
