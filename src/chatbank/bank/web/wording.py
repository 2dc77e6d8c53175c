"""Plain words for OB permissions and statuses, as the customer reads them at the bank."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from chatbank.core.money import Money

PERMISSION_WORDS: dict[str, str] = {
    "ReadAccountsBasic": "See your account names and types",
    "ReadAccountsDetail": "See your account names, types, sort codes and account numbers",
    "ReadBalances": "See your balances",
    "ReadBeneficiariesBasic": "See that you have saved payees",
    "ReadBeneficiariesDetail": "See your saved payees and their account details",
    "ReadDirectDebits": "See your Direct Debits",
    "ReadOffers": "See offers the bank makes you",
    "ReadPAN": "See your full card numbers",
    "ReadParty": "See the account holder's name and contact details",
    "ReadPartyPSU": "See your name and contact details",
    "ReadProducts": "See which products your accounts are",
    "ReadScheduledPaymentsBasic": "See your future-dated payments",
    "ReadScheduledPaymentsDetail": "See your future-dated payments and who they pay",
    "ReadStandingOrdersBasic": "See your standing orders",
    "ReadStandingOrdersDetail": "See your standing orders and who they pay",
    "ReadStatementsBasic": "See your statements",
    "ReadStatementsDetail": "See your statements in full",
    "ReadTransactionsBasic": "See your transactions (amounts and dates)",
    "ReadTransactionsDetail": "See your transactions in full (descriptions, merchants, balances)",
    "ReadTransactionsCredits": "…including money coming in",
    "ReadTransactionsDebits": "…including money going out",
    "ManageCards": "Freeze and unfreeze your cards, or report them lost or stolen, when you ask "
                   "(you confirm each change)",
}


def permission_words(permissions: list[str]) -> list[str]:
    """One sentence per permission, in the order asked."""
    return [PERMISSION_WORDS.get(p, p) for p in permissions]


def initiation_binding(initiation: dict[str, Any]) -> str:
    """Digest of the exact payment shown, so approval is bound to amount and payee."""
    canonical = json.dumps(initiation, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def amount_words(amount: dict[str, Any] | None) -> str:
    """An OB amount as the customer reads it ("£9.40"); "" for none."""
    if not amount:
        return ""
    money = Money.from_decimal_string(amount["Amount"], amount["Currency"])
    symbol = "£" if money.currency == "GBP" else f"{money.currency} "
    return f"{symbol}{money.to_decimal_string()}"


def schedule_end_words(initiation: dict[str, Any]) -> str:
    """When a standing order stops, as its consent page says it."""
    ends = []
    if initiation.get("NumberOfPayments"):
        ends.append(f"after {initiation['NumberOfPayments']} payments")
    if initiation.get("FinalPaymentDateTime"):
        ends.append(f"on {initiation['FinalPaymentDateTime']}")
    return " or ".join(ends) or "when you cancel it"


def payment_summary(initiation: dict[str, Any]) -> dict[str, str]:
    """Amount, payee, reference (and the date of a scheduled payment; the first date,
    frequency, later and final amounts and end of a standing order) of a payment, formatted
    for the consent page."""
    amount = initiation.get("InstructedAmount") or initiation["FirstPaymentAmount"]
    creditor = initiation["CreditorAccount"]
    ident = str(creditor["Identification"])
    remittance = initiation.get("RemittanceInformation") or {}
    standing = bool(initiation.get("Frequency"))
    return {"amount": amount_words(amount), "payee": str(creditor["Name"]),
            "sort_code": f"{ident[0:2]}-{ident[2:4]}-{ident[4:6]}",
            "account_number": ident[6:14],
            "reference": str(remittance.get("Reference") or initiation.get("Reference")
                             or initiation.get("EndToEndIdentification") or ""),
            "when": str(initiation.get("RequestedExecutionDateTime")
                        or initiation.get("FirstPaymentDateTime") or ""),
            "frequency": str(initiation.get("Frequency") or ""),
            "then": amount_words(initiation.get("RecurringPaymentAmount") or amount)
            if standing else "",
            "final": amount_words(initiation.get("FinalPaymentAmount")),
            "ends": schedule_end_words(initiation) if standing else ""}
