"""The demo's interbank scheme: every demo bank is a member, with a secret kept in the data dir.

The scheme runs in the demo's process on the port after the banks, with its own database, and
the banks reach it (and it them) only over HTTP, exactly as `chatbank scheme serve` would.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Sequence
from pathlib import Path

from chatbank.bank.settings import BankSettings
from chatbank.cli.demo_banks import DemoBank
from chatbank.scheme.settings import Participant, SchemeSettings


def member_secrets(path: Path, slugs: Sequence[str]) -> dict[str, str]:
    """One shared secret per bank, made on first start and kept (file mode 0600)."""
    saved: dict[str, str] = json.loads(path.read_text()) if path.exists() else {}
    missing = [slug for slug in slugs if slug not in saved]
    if missing:
        saved.update({slug: secrets.token_urlsafe(32) for slug in missing})
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(saved))
        path.chmod(0o600)
    return saved


def join_scheme(banks: Sequence[DemoBank], configs: Sequence[BankSettings], data_dir: Path,
                port: int) -> tuple[list[BankSettings], SchemeSettings]:
    """The banks' settings pointed at the scheme, and the scheme's settings listing them."""
    scheme_dir = data_dir / "scheme"
    shared = member_secrets(scheme_dir / "member-secrets.json", [c.slug for c in configs])
    scheme = SchemeSettings(port=port, data_dir=scheme_dir, participants=[
        Participant(bank_id=config.slug, sort_code_prefix=bank.sort_code_prefix,
                    base_url=config.base_url, secret=shared[config.slug])
        for bank, config in zip(banks, configs, strict=True)])
    members = [config.model_copy(update={"scheme_url": scheme.base_url,
                                         "scheme_secret": shared[config.slug]})
               for config in configs]
    return members, scheme
