"""A demo customer's records (profile, accounts, cards, arrangements), derived from the seed.

Identifiers are hashes of the bank name and login, so seeding the same bank twice yields the
same ids and numbers; everything else comes from a `random.Random` seeded per customer.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass, replace
from datetime import date, timedelta

from chatbank.bank.books.model import (
    Account,
    AccountSubtype,
    Beneficiary,
    Card,
    CardStatus,
    ScheduledPayment,
    StandingOrder,
)
from chatbank.bank.books.system_accounts import interbank_account_id, settlement_account_id
from chatbank.bank.seeding.catalogue import EMPLOYERS, FRIENDS, LANDLORDS
from chatbank.bank.seeding.history import CustomerPlan, history_start

KNOWN_CUSTOMERS = {
    "alice": ("Alice Adams", True),
    "bob": ("Bob Brown", False),
    "carol": ("Carol Chen", True),
    "dan": ("Dan Davies", False),
}
CREDIT_CARD_LIMIT_MINOR = 300_000
STREETS = ("Acacia Avenue", "Mill Lane", "Station Road", "Kings Road", "Church Street")


@dataclass(frozen=True, slots=True)
class DemoCustomer:
    """A customer to seed. Name and credit card default from the login (alice, bob, ...)."""

    login: str
    display_name: str | None = None
    credit_card: bool | None = None

    @property
    def resolved_name(self) -> str:
        return self.display_name or KNOWN_CUSTOMERS.get(self.login, (self.login.title(),))[0]

    @property
    def has_credit_card(self) -> bool:
        if self.credit_card is not None:
            return self.credit_card
        return KNOWN_CUSTOMERS.get(self.login, ("", False))[1]


@dataclass(frozen=True, slots=True)
class CustomerRecords:
    customer_id: str
    plan: CustomerPlan
    accounts: list[Account]
    overdrafts_minor: dict[str, int]  # ledger account id -> credit line
    cards: list[Card]
    beneficiaries: list[Beneficiary]
    standing_orders: list[StandingOrder]
    scheduled_payments: list[ScheduledPayment]
    email: str
    phone: str
    address_line: str


def stable_id(prefix: str, *parts: str) -> str:
    digest = hashlib.sha256("\x00".join(parts).encode()).hexdigest()
    return f"{prefix}_{digest[:20]}"


def bank_sort_code(bank_name: str, sort_code_prefix: str) -> str:
    """The bank's one sort code: its prefix, completed with digits derived from its name."""
    digits = str(int(hashlib.sha256(bank_name.encode()).hexdigest(), 16))
    return (sort_code_prefix + digits)[:6]


def account_number(bank_name: str, login: str, subtype: AccountSubtype) -> str:
    digest = hashlib.sha256(f"{bank_name}\x00{login}\x00{subtype.value}".encode()).hexdigest()
    return f"{int(digest, 16) % 10**8:08d}"


def external_sort_code(rng: random.Random, bank_prefix: str) -> str:
    while True:
        code = f"{rng.randrange(10**6):06d}"
        if not code.startswith(bank_prefix):
            return code


def build_customer(bank_name: str, sort_code_prefix: str, who: DemoCustomer, today: date,
                   rng: random.Random) -> CustomerRecords:
    """Every record of one demo customer, deterministic for (bank, login, rng state)."""
    customer_id = stable_id("cus", bank_name, who.login)
    sort_code = bank_sort_code(bank_name, sort_code_prefix)
    opened = history_start(today)
    subtypes = [AccountSubtype.CURRENT_ACCOUNT, AccountSubtype.SAVINGS]
    if who.has_credit_card:
        subtypes.append(AccountSubtype.CREDIT_CARD)
    nicknames = {AccountSubtype.CURRENT_ACCOUNT: "Everyday", AccountSubtype.SAVINGS: "Rainy day",
                 AccountSubtype.CREDIT_CARD: "Credit card"}
    accounts = [Account(
        id=stable_id("acc", bank_name, who.login, s.value), customer_id=customer_id,
        account_type="Personal", subtype=s, currency="GBP", nickname=nicknames[s],
        sort_code=sort_code, account_number=account_number(bank_name, who.login, s),
        opened_on=opened, status="Enabled", ledger_account_id="", holder_name=who.resolved_name,
    ) for s in subtypes]
    accounts = [_with_ledger_id(a) for a in accounts]
    by_type = {a.subtype: a for a in accounts}
    current, savings = by_type[AccountSubtype.CURRENT_ACCOUNT], by_type[AccountSubtype.SAVINGS]
    credit = by_type.get(AccountSubtype.CREDIT_CARD)
    cards = _cards(bank_name, who, current, credit, today, rng)
    plan = CustomerPlan(
        login=who.login, display_name=who.resolved_name, employer=rng.choice(EMPLOYERS),
        salary_minor=rng.randrange(240_000, 420_000, 500), landlord=rng.choice(LANDLORDS),
        rent_minor=rng.randrange(95_000, 145_000, 500),
        savings_monthly_minor=rng.randrange(40_000, 90_000, 5_000),
        current_ledger_id=current.ledger_account_id, savings_ledger_id=savings.ledger_account_id,
        credit_ledger_id=credit.ledger_account_id if credit else None,
        debit_card_id=cards[0].id, credit_card_id=cards[1].id if credit else None,
        outside_ledger_id=settlement_account_id("GBP"),
        interbank_ledger_id=interbank_account_id("GBP"),
        friends=tuple(rng.sample(FRIENDS, 3)),
    )
    overdrafts = {current.ledger_account_id: rng.choice((25_000, 50_000, 100_000))}
    if credit is not None:
        overdrafts[credit.ledger_account_id] = CREDIT_CARD_LIMIT_MINOR
    payees, orders, scheduled = _arrangements(plan, current, savings, sort_code_prefix, today,
                                              rng)
    return CustomerRecords(
        customer_id=customer_id, plan=plan, accounts=accounts, overdrafts_minor=overdrafts,
        cards=cards, beneficiaries=payees, standing_orders=orders, scheduled_payments=scheduled,
        email=f"{who.login}@example.com", phone=f"+44 7700 900{rng.randrange(1000):03d}",
        address_line=f"{rng.randint(1, 120)} {rng.choice(STREETS)}",
    )


def _with_ledger_id(account: Account) -> Account:
    return replace(account, ledger_account_id=account.id)


def _cards(bank_name: str, who: DemoCustomer, current: Account, credit: Account | None,
           today: date, rng: random.Random) -> list[Card]:
    def card(account: Account, scheme: str, bin_prefix: str) -> Card:
        return Card(
            id=stable_id("card", bank_name, who.login, account.subtype.value),
            account_id=account.id, scheme=scheme,
            masked_pan=f"{bin_prefix}******{rng.randrange(10**4):04d}",
            name_on_card=who.resolved_name.upper(), expiry_month=rng.randint(1, 12),
            expiry_year=today.year + rng.randint(1, 4), status=CardStatus.ACTIVE)

    cards = [card(current, "Visa", "492181")]
    if credit is not None:
        cards.append(card(credit, "Mastercard", "535522"))
    return cards


def _arrangements(
    plan: CustomerPlan, current: Account, savings: Account, bank_prefix: str, today: date,
    rng: random.Random,
) -> tuple[list[Beneficiary], list[StandingOrder], list[ScheduledPayment]]:
    def external() -> tuple[str, str]:
        return external_sort_code(rng, bank_prefix), f"{rng.randrange(10**8):08d}"

    landlord_code, landlord_number = external()
    payees = [Beneficiary(f"{current.id}-ben-0", current.id, plan.landlord, landlord_code,
                          landlord_number, "RENT")]
    for n, friend in enumerate(plan.friends, start=1):
        code, number = external()
        payees.append(Beneficiary(f"{current.id}-ben-{n}", current.id, friend, code, number,
                                  friend.split()[0].upper()))
    next_month = (today.replace(day=1) + timedelta(days=32)).replace(day=1)
    start = history_start(today)
    orders = [
        StandingOrder(f"{current.id}-so-rent", current.id, "IntrvlMnthDay:01:01", "RENT", start,
                      next_month, None, plan.rent_minor, "GBP", plan.landlord, landlord_code,
                      landlord_number, "Active"),
        StandingOrder(f"{current.id}-so-save", current.id, "IntrvlMnthDay:01:28", "SAVINGS",
                      start, _next_day_of_month(today, 28), None, plan.savings_monthly_minor,
                      "GBP", plan.display_name, savings.sort_code, savings.account_number,
                      "Active"),
    ]
    friend_code, friend_number = payees[1].sort_code, payees[1].account_number
    scheduled = [
        ScheduledPayment(f"{current.id}-sp-1", current.id, today + timedelta(days=9), 35_000,
                         "GBP", "HOLIDAY DEPOSIT", plan.friends[0], friend_code, friend_number),
        ScheduledPayment(f"{current.id}-sp-2", current.id, today + timedelta(days=23), 41_250,
                         "GBP", "CAR INSURANCE", "Admiral Insurance", *external()),
    ]
    return payees, orders, scheduled


def _next_day_of_month(today: date, day: int) -> date:
    if today.day < day:
        return today.replace(day=day)
    return (today.replace(day=1) + timedelta(days=32)).replace(day=day)
