"""The fuzz suite reuses the bank's migrated SQLite template (copied per example)."""

from tests.bank.conftest import migrated_bank_file

__all__ = ["migrated_bank_file"]
