"""Imports every context's table module so that `platform_metadata` is complete (migrations)."""

from chatbank.ads.adapters import tables as ads_tables  # noqa: F401
from chatbank.assistant.adapters import tables as assistant_tables  # noqa: F401
from chatbank.channels.adapters import tables as channels_tables  # noqa: F401
from chatbank.connect.adapters import tables as connect_tables  # noqa: F401
from chatbank.connect.adapters import vault_tables  # noqa: F401
from chatbank.db.metadata import platform_metadata
from chatbank.messenger.adapters import tables as messenger_tables
from chatbank.payments.adapters import tables as payments_tables  # noqa: F401
from chatbank.privacy.adapters import tables as privacy_tables  # noqa: F401

__all__ = ["messenger_tables", "platform_metadata"]
