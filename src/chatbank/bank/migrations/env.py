"""Alembic environment of a bank database (separate from the platform's)."""

from __future__ import annotations

import importlib

from chatbank.bank.db import BANK_TABLE_MODULES, bank_metadata, create_bank_engine
from chatbank.db.migration_env import run_migrations_online

for module_name in BANK_TABLE_MODULES:
    try:
        importlib.import_module(module_name)
    except ModuleNotFoundError as missing:
        if missing.name is None or not module_name.startswith(missing.name):
            raise

run_migrations_online(bank_metadata, create_bank_engine)
