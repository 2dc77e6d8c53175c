"""`chatbank bank serve` as its own process, and the sandbox-only `chatbank bank grant`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner, Result

from chatbank.cli.bank import bank_app
from tests.contract.tpp import AISP
from tests.support.servers import free_port, wait_until_up

# Imports alone take tens of seconds when the 2-core machine is busy; allow for it.
START_TIMEOUT_S = 150


def chatbank_bank(*args: str, env: dict[str, str] | None = None) -> Result:
    """`chatbank bank …` in this process (the server under test runs in its own)."""
    return CliRunner().invoke(bank_app, list(args), env=env)


@pytest.mark.timeout(400)
def test_served_bank_accepts_a_token_from_the_sandbox_grant_command(tmp_path: Path) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with (tmp_path / "bank.log").open("wb") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "chatbank.cli.main", "bank", "serve", "--name", "Westbank",
             "--port", str(port), "--data-dir", str(tmp_path), "--colour", "#7a1f5c"],
            stdout=log, stderr=subprocess.STDOUT)
        try:
            wait_until_up(f"{url}/healthz", timeout_s=START_TIMEOUT_S)
            check_grant(url, tmp_path)
        finally:
            server.terminate()
            server.wait(timeout=20)


def check_grant(url: str, tmp_path: Path) -> None:
    """Grant headlessly, call the API with the printed token; refused outside the sandbox."""
    granted = chatbank_bank("grant", "--bank", "Westbank", "--customer", "alice",
                       "--permissions", "ReadAccountsBasic,ReadBalances",
                       "--data-dir", str(tmp_path))
    assert granted.exit_code == 0, granted.output
    grant = json.loads(granted.stdout)
    accounts = httpx.get(f"{url}{AISP}/accounts", headers={
        "Authorization": f"Bearer {grant['access_token']}"})
    assert accounts.status_code == 200, accounts.text
    assert len(accounts.json()["Data"]["Account"]) == len(grant["account_ids"])
    assert "#7a1f5c" in httpx.get(f"{url}/login").text
    refused = chatbank_bank("grant", "--bank", "Westbank", "--customer", "alice",
                       "--data-dir", str(tmp_path), env={"CHATBANK_BANK_SANDBOX": "false"})
    assert refused.exit_code == 1 and "sandbox_only" in refused.output
