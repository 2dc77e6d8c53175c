"""Why the platform may read bank data: a closed set of purposes, each with what it may read.

A purpose is an `Enum` member, never a free string, so a read "for advertising", "for profiling"
or "for sale" cannot even be written down: no member exists, and parsing such a name raises
`unknown_purpose`. Each purpose names the UK Open Banking permissions its consent needs and the
data classes it may read.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from chatbank.core.errors import InvalidInput

# The bank's card-controls extension (not UK OB): freeze, unfreeze, report lost or stolen.
MANAGE_CARDS = "ManageCards"
# Payment initiation is not an account-access permission: it marks that the purpose needs
# domestic-payment consents (PISP) at the bank, one per payment the user confirms.
PAYMENT_INITIATION = "PISP"


class Purpose(StrEnum):
    """Every reason the platform may touch a user's bank data. There are no others."""

    ANSWER_ACCOUNT_QUESTIONS = "answer_account_questions"
    MAKE_PAYMENTS_I_ASK_FOR = "make_payments_i_ask_for"
    SPENDING_INSIGHTS = "spending_insights"
    CARD_CONTROLS = "card_controls"


class DataClass(StrEnum):
    """Kinds of bank data a read can return."""

    ACCOUNTS = "accounts"
    BALANCES = "balances"
    TRANSACTIONS = "transactions"
    PAYEES = "payees"
    STANDING_ORDERS = "standing_orders"
    DIRECT_DEBITS = "direct_debits"
    SCHEDULED_PAYMENTS = "scheduled_payments"
    PARTY = "party"
    PAYMENTS = "payments"
    CARDS = "cards"


@dataclass(frozen=True, slots=True)
class PurposeRules:
    """What one purpose means: wording for people, and the permissions and data it needs."""

    description: str  # first person, for the consent screen: "answer my questions ..."
    log_phrase: str  # completes "Assistant read your balances at Northbank to ..."
    permissions: frozenset[str]
    data_classes: frozenset[DataClass]


_TRANSACTIONS_IN_FULL = {"ReadTransactionsBasic", "ReadTransactionsDetail",
                         "ReadTransactionsCredits", "ReadTransactionsDebits"}

PURPOSES: dict[Purpose, PurposeRules] = {
    Purpose.ANSWER_ACCOUNT_QUESTIONS: PurposeRules(
        description="answer my questions about my accounts",
        log_phrase="answer your question",
        permissions=frozenset({
            "ReadAccountsBasic", "ReadAccountsDetail", "ReadBalances", *_TRANSACTIONS_IN_FULL,
            "ReadBeneficiariesDetail", "ReadStandingOrdersDetail", "ReadDirectDebits",
            "ReadScheduledPaymentsDetail",
        }),
        data_classes=frozenset({
            DataClass.ACCOUNTS, DataClass.BALANCES, DataClass.TRANSACTIONS, DataClass.PAYEES,
            DataClass.STANDING_ORDERS, DataClass.DIRECT_DEBITS, DataClass.SCHEDULED_PAYMENTS,
        }),
    ),
    Purpose.MAKE_PAYMENTS_I_ASK_FOR: PurposeRules(
        description="make the payments I ask for, after I confirm each one",
        log_phrase="make a payment you asked for",
        permissions=frozenset({"ReadAccountsBasic", "ReadBalances", PAYMENT_INITIATION}),
        data_classes=frozenset({DataClass.ACCOUNTS, DataClass.BALANCES, DataClass.PAYMENTS}),
    ),
    Purpose.SPENDING_INSIGHTS: PurposeRules(
        description="show me summaries of where my money goes",
        log_phrase="work out your spending summary",
        # The bank requires a direction with transaction reads; spending is money going out.
        permissions=frozenset({"ReadAccountsBasic", "ReadTransactionsDetail",
                               "ReadTransactionsDebits"}),
        data_classes=frozenset({DataClass.ACCOUNTS, DataClass.TRANSACTIONS}),
    ),
    Purpose.CARD_CONTROLS: PurposeRules(
        description="freeze, unfreeze or block my cards when I ask, after I confirm",
        log_phrase="change your card as you asked",
        permissions=frozenset({"ReadAccountsBasic", MANAGE_CARDS}),
        data_classes=frozenset({DataClass.ACCOUNTS, DataClass.CARDS}),
    ),
}

# A data class is covered when the consent holds one permission from every group listed.
COVERING_PERMISSIONS: dict[DataClass, tuple[frozenset[str], ...]] = {
    DataClass.ACCOUNTS: (frozenset({"ReadAccountsBasic", "ReadAccountsDetail"}),),
    DataClass.BALANCES: (frozenset({"ReadBalances"}),),
    DataClass.TRANSACTIONS: (frozenset({"ReadTransactionsBasic", "ReadTransactionsDetail"}),
                             frozenset({"ReadTransactionsCredits", "ReadTransactionsDebits"})),
    DataClass.PAYEES: (frozenset({"ReadBeneficiariesBasic", "ReadBeneficiariesDetail"}),),
    DataClass.STANDING_ORDERS: (frozenset({"ReadStandingOrdersBasic",
                                           "ReadStandingOrdersDetail"}),),
    DataClass.DIRECT_DEBITS: (frozenset({"ReadDirectDebits"}),),
    DataClass.SCHEDULED_PAYMENTS: (frozenset({"ReadScheduledPaymentsBasic",
                                              "ReadScheduledPaymentsDetail"}),),
    DataClass.PARTY: (frozenset({"ReadParty", "ReadPartyPSU"}),),
    DataClass.PAYMENTS: (frozenset({PAYMENT_INITIATION}),),
    DataClass.CARDS: (frozenset({MANAGE_CARDS}),),
}


def rules_for(purpose: Purpose) -> PurposeRules:
    """The wording, permissions and data classes of `purpose`."""
    return PURPOSES[purpose]


def parse_purpose(name: str) -> Purpose:
    """The purpose called `name`; anything else (e.g. "advertising") raises `unknown_purpose`."""
    try:
        return Purpose(name.strip().lower())
    except ValueError:
        known = ", ".join(p.value for p in Purpose)
        raise InvalidInput("unknown_purpose",
                           f"{name[:40]!r} is not a purpose chatbank reads bank data for; "
                           f"the purposes are: {known}.") from None


def parse_data_class(name: str) -> DataClass:
    """The data class called `name`; raises `unknown_data_class` otherwise."""
    try:
        return DataClass(name.strip().lower())
    except ValueError:
        raise InvalidInput("unknown_data_class",
                           f"{name[:40]!r} is not a kind of bank data chatbank reads.") from None


def minimum_permissions(purposes: Iterable[Purpose]) -> frozenset[str]:
    """Every permission the given purposes need (may include `PAYMENT_INITIATION`)."""
    needed: set[str] = set()
    for purpose in purposes:
        needed |= PURPOSES[Purpose(purpose)].permissions
    return frozenset(needed)


def account_access_permissions(purposes: Iterable[Purpose]) -> list[str]:
    """The sorted `Permissions` for `POST /account-access-consents` (no PISP marker)."""
    return sorted(minimum_permissions(purposes) - {PAYMENT_INITIATION})


def needs_payment_initiation(purposes: Iterable[Purpose]) -> bool:
    """Whether any of `purposes` moves money (the link must also support PISP)."""
    return PAYMENT_INITIATION in minimum_permissions(purposes)


def permissions_cover(permissions: Iterable[str], data_class: DataClass) -> bool:
    """Whether a consent holding `permissions` lets the bank release `data_class`."""
    held = frozenset(permissions)
    return all(group & held for group in COVERING_PERMISSIONS[data_class])


def purpose_may_read(purpose: Purpose, data_class: DataClass) -> bool:
    """Whether `purpose` ever needs `data_class`."""
    return data_class in PURPOSES[purpose].data_classes
