"""Receiving accounts: where money sent to a user lands (one of their own linked accounts).

The sort code and account number are sealed under the user's data key: unlinking that bank
crypto-shreds them. Other people only ever see ••1234; the full number goes only to the payer's
bank as the payment's creditor account.
"""

from __future__ import annotations

import json
from typing import Any

from chatbank.connect.gateway import DataGateway
from chatbank.connect.links import Links
from chatbank.connect.model import LinkStatus
from chatbank.connect.pisp import Creditor
from chatbank.connect.ports import SealingVault
from chatbank.core.clock import Clock
from chatbank.core.errors import ChatbankError, InvalidInput, NotFound
from chatbank.payments.adapters.sql_payments import SqlPayments
from chatbank.payments.model import ReceivingAccount
from chatbank.payments.transactions import PaymentStore
from chatbank.privacy.purposes import DataClass, Purpose

SORT_CODE_SCHEME = "UK.OBIE.SortCodeAccountNumber"


def _ad(user_id: str) -> bytes:
    return f"receiving-account:{user_id}".encode()


def no_receiving_account() -> InvalidInput:
    return InvalidInput("payee_has_no_receiving_account",
                        "They have not chosen an account to receive money yet; ask them to "
                        "link a bank and pick one.")


class ReceivingAccounts:
    """Use cases for users' default receiving accounts."""

    def __init__(self, store: PaymentStore, links: Links, gateway: DataGateway,
                 vault: SealingVault, clock: Clock) -> None:
        self.store, self.links, self.gateway = store, links, gateway
        self.vault, self.clock = vault, clock

    async def do_set_receiving_account(self, user_id: str, link_id: str,
                                       account_id: str) -> ReceivingAccount:
        """Make one of the user's linked accounts their receiving account (read at the bank)."""
        link = await self.links.access_link_by_id(user_id, link_id)
        result = await self.gateway.read(user_id, Purpose.MAKE_PAYMENTS_I_ASK_FOR,
                                         DataClass.ACCOUNTS, "receive money in chats",
                                         actor="payments", bank_id=link.bank_id)
        if result.failures and not result.answers:
            raise result.failures[0][1]
        found = [(answer, account) for answer in result.answers for account in answer.accounts
                 if account.get("AccountId") == account_id]
        if not found:
            raise NotFound("account_not_found", "No such account in that bank link.")
        answer, account = found[0]
        identification = _identification(account)
        if identification is None:
            raise InvalidInput("account_cannot_receive",
                               "That account has no UK sort code and account number we may "
                               "use; link it with account details or choose another.")
        name = str(account["Account"][0].get("Name") or "Account holder")
        receiving = ReceivingAccount(user_id, link.bank_id, link.id, account_id,
                                     identification[-4:],
                                     _label(answer.bank_name, account, identification))
        sealed = await self.vault.seal(user_id, json.dumps({
            "sort_code": identification[:6], "account_number": identification[6:14],
            "name": name}).encode(), _ad(user_id))
        async with self.store.tx() as tx:
            await tx.put_receiving(receiving, sealed, self.clock.now())
        return receiving

    async def options_of(self, user_id: str) -> list[ReceivingAccount]:
        """The user's linked accounts that could receive money (masked), to choose from."""
        options: list[ReceivingAccount] = []
        for link in await self.links.links_of(user_id):
            if link.status is not LinkStatus.ACTIVE or Purpose.MAKE_PAYMENTS_I_ASK_FOR.value \
                    not in link.purposes:
                continue
            result = await self.gateway.read(user_id, Purpose.MAKE_PAYMENTS_I_ASK_FOR,
                                             DataClass.ACCOUNTS, "receive money in chats",
                                             actor="payments", bank_id=link.bank_id)
            for answer in result.answers:
                for account in answer.accounts:
                    number = _identification(account)
                    if number:
                        options.append(ReceivingAccount(
                            user_id, link.bank_id, link.id, str(account["AccountId"]),
                            number[-4:], _label(answer.bank_name, account, number)))
        return options

    async def receiving_account_of(self, user_id: str) -> ReceivingAccount | None:
        """The user's receiving account while the bank link behind it is active."""
        async with self.store.tx() as tx:
            found = await tx.receiving(user_id)
        if found is None or not await self._link_active(user_id, found[0].link_id):
            return None
        return found[0]

    async def _link_active(self, user_id: str, link_id: str) -> bool:
        return any(link.id == link_id and link.status is LinkStatus.ACTIVE
                   for link in await self.links.links_of(user_id))

    async def creditor_of(self, user_id: str) -> tuple[ReceivingAccount, Creditor]:
        """The payee's receiving account in full, for the payment's creditor account only."""
        async with self.store.tx() as tx:
            found = await _receiving(tx, user_id)
        account, sealed = found
        if not await self._link_active(user_id, account.link_id):
            raise no_receiving_account()  # unlinked: the account is no longer theirs to share
        try:
            plain = json.loads(await self.vault.open(user_id, sealed, _ad(user_id)))
        except ChatbankError:
            raise no_receiving_account() from None  # the bank was unlinked: key shredded
        return account, Creditor(plain["sort_code"], plain["account_number"], plain["name"])


def _identification(account: dict[str, Any]) -> str | None:
    """The 14-digit sort code + account number of a GBP account (first identifier only)."""
    identifiers = account.get("Account") or []
    first = identifiers[0] if identifiers else {}
    number = str(first.get("Identification", ""))
    if (first.get("SchemeName") != SORT_CODE_SCHEME or len(number) != 14
            or not number.isdigit() or account.get("Currency", "GBP") != "GBP"):
        return None
    return number


def _label(bank_name: str, account: dict[str, Any], number: str) -> str:
    return f"{bank_name} · {account.get('Nickname') or 'Account'} ••{number[-4:]}"[:120]


async def _receiving(tx: SqlPayments, user_id: str) -> tuple[ReceivingAccount, bytes]:
    found = await tx.receiving(user_id)
    if found is None:
        raise no_receiving_account()
    return found
