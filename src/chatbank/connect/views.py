"""Typed views of what banks return (OB `Data` records), with amounts as exact `Money`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from chatbank.connect.gateway import BankAnswer
from chatbank.core.money import Money


@dataclass(frozen=True, slots=True)
class AccountView:
    bank_id: str
    bank_name: str
    account_id: str
    nickname: str
    subtype: str  # CurrentAccount | Savings | CreditCard | ...
    currency: str
    last_digits: str

    @property
    def label(self) -> str:
        """e.g. "Northbank · Everyday ••1833" (never the full account number)."""
        return f"{self.bank_name} · {self.nickname} ••{self.last_digits}"


@dataclass(frozen=True, slots=True)
class BalanceView:
    account: AccountView
    available: Money | None
    booked: Money | None


@dataclass(frozen=True, slots=True)
class TransactionView:
    account: AccountView
    booked_at: datetime
    amount: Money  # negative for money going out
    description: str
    merchant: str | None
    mcc: int | None
    status: str


def signed_amount(record: dict[str, Any]) -> Money:
    """An OB amount + CreditDebitIndicator as signed minor units (Debit is negative)."""
    amount = record["Amount"]
    money = Money.from_decimal_string(str(amount["Amount"]), str(amount["Currency"]))
    return -money if record.get("CreditDebitIndicator") == "Debit" else money


def accounts_of(answer: BankAnswer) -> list[AccountView]:
    views = []
    for account in answer.accounts:
        identifiers = account.get("Account") or [{}]
        number = str(identifiers[0].get("Identification", ""))
        views.append(AccountView(answer.bank_id, answer.bank_name, str(account["AccountId"]),
                                 str(account.get("Nickname") or account.get("AccountSubType")),
                                 str(account.get("AccountSubType", "")),
                                 str(account.get("Currency", "GBP")), number[-4:]))
    return views


def balances_of(answer: BankAnswer) -> list[BalanceView]:
    views = []
    for account in accounts_of(answer):
        records = answer.data.get(account.account_id, [])
        by_type = {r.get("Type"): signed_amount(r) for r in records}
        views.append(BalanceView(account, by_type.get("InterimAvailable"),
                                 by_type.get("InterimBooked") or by_type.get("ClosingBooked")))
    return views


def transactions_of(answer: BankAnswer) -> list[TransactionView]:
    views = []
    for account in accounts_of(answer):
        for record in answer.data.get(account.account_id, []):
            merchant = record.get("MerchantDetails") or {}
            mcc = merchant.get("MerchantCategoryCode")
            views.append(TransactionView(
                account, datetime.fromisoformat(str(record["BookingDateTime"])),
                signed_amount(record), str(record.get("TransactionInformation", "")),
                merchant.get("MerchantName"), int(mcc) if mcc and str(mcc).isdigit() else None,
                str(record.get("Status", "Booked"))))
    return sorted(views, key=lambda t: t.booked_at, reverse=True)
