"""Imports every context's table module so that `platform_metadata` is complete (migrations)."""

from chatbank.db.metadata import platform_metadata
from chatbank.messenger.adapters import tables as messenger_tables

__all__ = ["messenger_tables", "platform_metadata"]
