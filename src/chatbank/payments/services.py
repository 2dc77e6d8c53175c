"""Payments between people in a conversation: pay, request, split, decline, cancel, read.

`do_*` functions check, write, post or update the chat card and audit, in one place. Reads go
through `access_payment_by_id`: the payer, the payee and the conversation's members see a
payment; anyone else gets `payment_not_found`.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, time

from chatbank.connect.pisp import Creditor
from chatbank.connect.ports import AuditTrail
from chatbank.core.clock import Clock
from chatbank.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from chatbank.core.ids import new_id
from chatbank.core.money import Money
from chatbank.payments.adapters.sql_payments import NEW_CARD
from chatbank.payments.cards import card_payload, receipt_payload
from chatbank.payments.model import (
    REQUEST_TTL,
    Payment,
    PaymentKind,
    PaymentLimits,
    PaymentStatus,
    check_daily_limit,
    clean_note,
    invalid_state,
    parse_amount,
    split_amounts,
)
from chatbank.payments.ports import Chat, Receipts
from chatbank.payments.receiving import ReceivingAccounts
from chatbank.payments.transactions import PaymentStore
from chatbank.privacy.purposes import DataClass, Purpose

ACTOR = "payments"
MAX_SPLIT_PEOPLE = 20
MAX_PAGE = 100


def payment_not_found() -> NotFound:
    return NotFound("payment_not_found", "No such payment.")


def start_of_day(moment: datetime) -> datetime:
    return datetime.combine(moment.date(), time(), moment.tzinfo)


class Payments:
    """Use cases for payments and requests (the bank side is in `PaymentExecution`)."""

    def __init__(self, store: PaymentStore, chat: Chat, receiving: ReceivingAccounts,
                 audit: AuditTrail, clock: Clock, limits: PaymentLimits | None = None,
                 receipts: Receipts | None = None) -> None:
        self.store, self.chat, self.receiving = store, chat, receiving
        self.audit, self.clock, self.receipts = audit, clock, receipts
        self.limits = limits or PaymentLimits()

    async def access_payment_by_id(self, user_id: str, payment_id: str) -> Payment:
        """The payment if `user_id` is its payer, payee or a member of its conversation."""
        async with self.store.tx() as tx:
            payment = await tx.get(payment_id[:40])
        if payment is None:
            raise payment_not_found()
        if user_id not in (payment.payer_id, payment.payee_id) and user_id not in (
                await self.chat.active_members(payment.conversation_id)):
            raise payment_not_found()
        return await self.expire_if_due(payment)

    async def payments_in_conversation(self, user_id: str, conversation_id: str,
                                       limit: int = 50) -> list[Payment]:
        if user_id not in await self.chat.active_members(conversation_id):
            raise not_in_conversation()
        async with self.store.tx() as tx:
            found = await tx.in_conversation(conversation_id, max(1, min(limit, MAX_PAGE)))
        return [await self.expire_if_due(p) for p in found]

    async def payments_of_user(self, user_id: str, limit: int = 50) -> list[Payment]:
        async with self.store.tx() as tx:
            found = await tx.of_user(user_id, max(1, min(limit, MAX_PAGE)))
        return [await self.expire_if_due(p) for p in found]

    async def do_create_payment(self, payer_id: str, conversation_id: str, payee_id: str,
                                amount: str, currency: str, note: str,
                                client_id: str | None = None) -> Payment:
        """A payment draft from the payer, shown as a card; the payer then authorises it."""
        money = parse_amount(amount, currency, self.limits)
        async with self.store.tx() as tx:
            spent = await tx.spent_since(payer_id, start_of_day(self.clock.now()), "")
        check_daily_limit(spent, money, self.limits)
        return await self._new(PaymentKind.PAYMENT, payer_id, conversation_id, payer_id,
                               payee_id, money, note, payment_id_for(payer_id, client_id))

    async def do_create_bank_transfer(self, payer_id: str, conversation_id: str,
                                      creditor: Creditor, bank_id: str, amount: str,
                                      currency: str, note: str,
                                      client_id: str | None = None) -> Payment:
        """A draft paying one of the payer's own accounts or a payee saved at their bank.

        The creditor comes from the payer's own bank (AISP), not from another user, so the
        payer is also the payee; authorising and executing are the same as for any payment.
        """
        money = parse_amount(amount, currency, self.limits)
        async with self.store.tx() as tx:
            spent = await tx.spent_since(payer_id, start_of_day(self.clock.now()), "")
        check_daily_limit(spent, money, self.limits)
        return await self._new(PaymentKind.PAYMENT, payer_id, conversation_id, payer_id,
                               payer_id, money, note, payment_id_for(payer_id, client_id),
                               to_account=(bank_id, creditor))

    async def do_request_money(self, requester_id: str, conversation_id: str, payer_id: str,
                               amount: str, currency: str, note: str,
                               client_id: str | None = None) -> Payment:
        """The requester asks `payer_id` to pay them; the request expires after 7 days."""
        money = parse_amount(amount, currency, self.limits)
        return await self._new(PaymentKind.REQUEST, requester_id, conversation_id, payer_id,
                               requester_id, money, note, payment_id_for(requester_id, client_id))

    async def do_split(self, requester_id: str, conversation_id: str, payer_ids: list[str],
                       total: str, currency: str, note: str, include_requester: bool = True,
                       client_id: str | None = None) -> list[Payment]:
        """Split `total` between the requester and `payer_ids`: one request per payer."""
        payers = list(dict.fromkeys(p for p in payer_ids if p != requester_id))
        if not payers or len(payers) > MAX_SPLIT_PEOPLE:
            raise InvalidInput("split_needs_people",
                               f"Choose 1 to {MAX_SPLIT_PEOPLE} other people to split with.")
        money = parse_amount(total, currency, PaymentLimits(
            self.limits.per_payment_minor * (len(payers) + 1), self.limits.daily_minor))
        shares = split_amounts(money, len(payers) + (1 if include_requester else 0))
        members = await self.chat.active_members(conversation_id)
        if requester_id not in members or any(p not in members for p in payers):
            raise not_in_conversation()
        split_id = "spl" + (payment_id_for(requester_id, client_id) or new_id("pay"))[3:]
        return [await self._new(PaymentKind.REQUEST, requester_id, conversation_id, payer,
                                requester_id, share, note,
                                payment_id_for(requester_id, client_id, payer), split_id)
                for payer, share in zip(payers, shares[-len(payers):], strict=True)]

    async def _new(self, kind: PaymentKind, actor_id: str, conversation_id: str, payer_id: str,
                   payee_id: str, money: Money, note: str, payment_id: str | None = None,
                   split_id: str | None = None,
                   to_account: tuple[str, Creditor] | None = None) -> Payment:
        """A new draft and its card; with a known id (client retry) the first one, once."""
        if payment_id is not None and (again := await self._retried(payment_id, payer_id,
                                                                    payee_id, money)):
            return again
        if payer_id == payee_id and to_account is None:
            raise InvalidInput("cannot_pay_yourself", "Choose someone other than yourself.")
        members = await self.chat.active_members(conversation_id)
        if payer_id not in members or payee_id not in members:
            raise not_in_conversation()
        if await self.chat.either_blocked(payer_id, payee_id):
            raise Forbidden("blocked", "You cannot send money to or ask money from this person.")
        if to_account is None:
            receiving, creditor = await self.receiving.creditor_of(payee_id)
            to_bank, last4 = receiving.bank_id, receiving.last4
        else:
            (to_bank, creditor), last4 = to_account, to_account[1].account_number[-4:]
        now = self.clock.now()
        payment = Payment(
            payment_id or new_id("pay"), kind, conversation_id, payer_id, payee_id, money,
            clean_note(note), PaymentStatus.DRAFT, now, now, last4, to_bank,
            split_id, now + REQUEST_TTL if kind is PaymentKind.REQUEST else None)
        if not await self.store.insert_once(payment, {
                "sort_code": creditor.sort_code, "account_number": creditor.account_number,
                "name": creditor.name}):  # a concurrent retry with the same client id won
            return await self._retried(payment.id, payer_id, payee_id, money) or payment
        names = await self.chat.display_names([payer_id, payee_id])
        message_id = await self.chat.post_card(actor_id, conversation_id, f"payment:{payment.id}",
                                               card_payload(payment, names))
        async with self.store.tx() as tx:
            await tx.set(payment.id, message_id=message_id)
            await tx.card_shown(payment.id, NEW_CARD)
        action = "payment_initiated" if kind is PaymentKind.PAYMENT else "payment_requested"
        await self.record(actor_id, action, payment, True, None)
        return await self.access_payment_by_id(actor_id, payment.id)

    async def _retried(self, payment_id: str, payer_id: str, payee_id: str,
                       money: Money) -> Payment | None:
        async with self.store.tx() as tx:
            existing = await tx.get(payment_id)
        if existing is None:
            return None
        if (existing.payer_id, existing.payee_id, existing.amount) != (payer_id, payee_id, money):
            raise Conflict("client_id_reused",
                           "This client_id was already used for a different payment.")
        return existing

    async def do_decline(self, user_id: str, payment_id: str) -> Payment:
        """The payer says no to a request."""
        payment = await self.access_payment_by_id(user_id, payment_id)
        if payment.kind is not PaymentKind.REQUEST or payment.payer_id != user_id:
            raise Forbidden("not_payer", "Only the person asked to pay can decline.")
        declined = await self.move(payment, PaymentStatus.DECLINED, "Declined")
        await self.record(user_id, "payment_declined", declined, True, None)
        return declined

    async def do_cancel(self, user_id: str, payment_id: str) -> Payment:
        """The payer cancels before paying, or the requester withdraws their request."""
        payment = await self.access_payment_by_id(user_id, payment_id)
        owner = payment.payee_id if payment.kind is PaymentKind.REQUEST else payment.payer_id
        if user_id != owner and not (user_id == payment.payer_id and payment.status is
                                     PaymentStatus.AWAITING_AUTHORISATION):
            raise Forbidden("not_yours", "Only who started this can cancel it.")
        cancelled = await self.move(payment, PaymentStatus.CANCELLED, "Cancelled")
        await self.record(user_id, "payment_cancelled", cancelled, True, None)
        return cancelled

    async def move(self, payment: Payment, to: PaymentStatus, reason: str | None = None,
                   **values: object) -> Payment:
        """Move `payment` (if nobody moved it meanwhile) and update its card for everyone."""
        moved = payment.move(to, self.clock.now(), reason)
        async with self.store.tx() as tx:
            if not await tx.move(payment.id, payment.status, status=to,
                                 updated_at=moved.updated_at, reason=moved.reason, **values):
                current = await tx.get(payment.id)
                raise invalid_state(current.status if current else payment.status, to)
        await self.publish(payment.id)
        return await self.reload(payment.id)

    async def reload(self, payment_id: str) -> Payment:
        async with self.store.tx() as tx:
            payment = await tx.get(payment_id)
        if payment is None:
            raise payment_not_found()
        return payment

    async def publish(self, payment_id: str) -> None:
        """Push the payment's current state to its card (every member sees it live), post the
        receipt once it completed (its client id makes a repeat a no-op), then mark that state
        shown; a crash before that leaves it to `PaymentSweeper.repair_cards`."""
        async with self.store.tx() as tx:
            due = await tx.card_due(payment_id)  # before the state: a later move keeps its own
            payment = await tx.get(payment_id)
        if payment is None:
            raise payment_not_found()
        if payment.message_id is None:
            return
        names = await self.chat.display_names([payment.payer_id, payment.payee_id])
        await self.chat.update_card(payment.payer_id, payment.message_id,
                                    card_payload(payment, names))
        if payment.status is PaymentStatus.COMPLETED and self.receipts is not None:
            await self.receipts.post_receipt(payment.payer_id, payment.conversation_id,
                                             f"receipt:{payment.id}",
                                             receipt_payload(payment, names))
        if due is not None:
            async with self.store.tx() as tx:
                await tx.card_shown(payment.id, due)

    async def expire_if_due(self, payment: Payment) -> Payment:
        if not payment.is_expired(self.clock.now()):
            return payment
        async with self.store.tx() as tx:
            moved = await tx.move(payment.id, PaymentStatus.DRAFT, status=PaymentStatus.EXPIRED,
                                  updated_at=self.clock.now(), reason="The request expired")
        if moved:
            await self.publish(payment.id)
        return await self.reload(payment.id)

    async def record(self, user_id: str, action: str, payment: Payment, allowed: bool,
                     code: str | None, bank: str | None = None) -> None:
        """One audit entry under the payments purpose (the note as reason; amounts dropped)."""
        await self.audit.record(user_id=user_id, actor=ACTOR, action=action,
                                purpose=Purpose.MAKE_PAYMENTS_I_ASK_FOR.value, bank=bank,
                                data_class=DataClass.PAYMENTS.value, allowed=allowed, code=code,
                                reason=payment.note or "payment in a chat")


def payment_id_for(actor_id: str, client_id: str | None, part: str = "") -> str | None:
    """The same payment id for the same client retry (None without a client id)."""
    if client_id is None:
        return None
    if not 1 <= len(client_id) <= 64 or not client_id.isprintable():
        raise InvalidInput("invalid_client_id", "client_id is 1–64 printable characters.")
    digest = hashlib.sha256(f"{actor_id}\x00{client_id}\x00{part}".encode()).hexdigest()
    return f"pay_{digest[:28]}"


def not_in_conversation() -> Forbidden:
    return Forbidden("not_in_conversation", "Both people must be members of this conversation.")
