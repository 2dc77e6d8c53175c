"""The demo's wiring: alice at Northbank pays carol at Eastbank and it settles via the scheme."""

from __future__ import annotations

import asyncio
from pathlib import Path

from chatbank.bank.app import create_bank_app
from chatbank.bank.seed import SeededCustomer, SeedReport
from chatbank.bank.settings import BankSettings
from chatbank.cli.demo_banks import DEMO_BANKS, bank_settings, prepare_bank
from chatbank.cli.demo_scheme import join_scheme
from chatbank.scheme.app import create_scheme_app
from tests.contract.banks import RunningBank
from tests.scheme.clearing import Member, query, wait_for
from tests.support.servers import ServerThread, free_port


def seed_report(config: BankSettings) -> SeedReport:
    """The seeded customers as read back from the bank's database."""
    url = config.resolved_database_url
    customers = [SeededCustomer(login, customer_id, login, "", [
        str(a[0]) for a in query(url, "SELECT id FROM accounts WHERE customer_id = ? "
                                      "ORDER BY rowid", customer_id)])
        for customer_id, login in query(url, "SELECT id, login FROM customers")]
    return SeedReport(config.name, customers, [], 0, 0, 0.0)


def test_demo_banks_pay_each_other_through_the_demo_scheme(tmp_path: Path) -> None:
    banks = DEMO_BANKS[:2]  # Northbank (20…) and Eastbank (30…)
    configs, scheme = join_scheme(banks, [bank_settings(b, free_port(), tmp_path)
                                          for b in banks], tmp_path, free_port())
    assert join_scheme(banks, configs, tmp_path, scheme.port)[1] == scheme  # secrets are kept
    for bank, config in zip(banks, configs, strict=True):
        asyncio.run(prepare_bank(bank, config, "http://127.0.0.1:9/connect/callback"))
    servers = [ServerThread(create_bank_app(c), port=c.port).start() for c in configs]
    servers.append(ServerThread(create_scheme_app(scheme), port=scheme.port).start())
    try:
        north, east = (Member(RunningBank(c.base_url, c, seed_report(c)), c.scheme_secret or "")
                       for c in configs)
        carol = east.customer_account("carol")
        before = east.booked(carol.ledger_account_id)
        held = north.hold("alice", carol, 2000, "demo-1", timeout_s=3600)
        wait_for(lambda: north.hold_state(held.transfer_id) == "posted", 20, "settlement")
        assert east.booked(carol.ledger_account_id) == before + 2000
    finally:
        for server in servers:
            server.stop()
