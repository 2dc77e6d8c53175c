"""Person-to-person payments in conversations: pay, request, split; state machine; chat cards."""

from __future__ import annotations

from dataclasses import dataclass

from chatbank.payments.adapters.chat import MessengerChat
from chatbank.payments.execution import PaymentExecution
from chatbank.payments.receiving import ReceivingAccounts
from chatbank.payments.services import Payments
from chatbank.payments.tracker import PaymentTracker


@dataclass
class PaymentsContext:
    """The payments context's use cases, wired once in `bootstrap`."""

    payments: Payments
    execution: PaymentExecution
    receiving: ReceivingAccounts
    tracker: PaymentTracker
    chat: MessengerChat


__all__ = [
    "PaymentExecution",
    "PaymentTracker",
    "Payments",
    "PaymentsContext",
    "ReceivingAccounts",
]
