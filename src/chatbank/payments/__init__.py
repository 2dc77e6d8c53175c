"""Person-to-person payments in conversations: pay, request, split; state machine; chat cards."""

from __future__ import annotations

from dataclasses import dataclass

from chatbank.payments.adapters.chat import MessengerChat
from chatbank.payments.execution import PaymentExecution
from chatbank.payments.receiving import ReceivingAccounts
from chatbank.payments.services import Payments
from chatbank.payments.sweeper import PaymentSweeper
from chatbank.payments.tracker import PaymentTracker


@dataclass
class PaymentsContext:
    """The payments context's use cases, wired once in `bootstrap`."""

    payments: Payments
    execution: PaymentExecution
    receiving: ReceivingAccounts
    tracker: PaymentTracker
    chat: MessengerChat
    sweeper: PaymentSweeper

    async def close(self) -> None:
        """Stop the background work (following pending payments, sweeping lapsed ones)."""
        await self.sweeper.close()
        await self.tracker.close()


__all__ = [
    "PaymentExecution",
    "PaymentSweeper",
    "PaymentTracker",
    "Payments",
    "PaymentsContext",
    "ReceivingAccounts",
]
