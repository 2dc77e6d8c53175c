"""The skills that change something at the user's bank: cards, transfers, credit card payments."""

from __future__ import annotations

from chatbank.assistant.skills.base import Skill
from chatbank.assistant.skills.card_controls import CardControls
from chatbank.assistant.skills.credit_card import PayCreditCard
from chatbank.assistant.skills.payments import PayContact
from chatbank.assistant.skills.shares import SplitBill
from chatbank.assistant.skills.transfers import BankTransfer, TransferExecution
from chatbank.connect.gateway import DataGateway
from chatbank.payments import PaymentsContext


def money_and_card_skills(gateway: DataGateway, payments: PaymentsContext | None) -> list[Skill]:
    """Card controls always; payments to contacts, own accounts and payees, requests and splits
    when payments run."""
    skills: list[Skill] = [CardControls(gateway)]
    if payments is not None:
        contacts = PayContact(payments, payments.chat)
        execution = TransferExecution(gateway, payments)
        skills += [contacts, BankTransfer(execution, contacts), PayCreditCard(execution),
                   SplitBill(payments)]
    return skills
