"""At the bank: a retried `POST /domestic-payments` (same key) is the same single payment."""

from __future__ import annotations

import asyncio

import pytest

from chatbank.bootstrap import PLATFORM_SIGNING_KEY_FILE
from chatbank.connect.directory import BankDirectory
from chatbank.connect.errors import BankAccessRevoked, BankRejected
from chatbank.connect.ob_client import OpenBankingClient
from chatbank.connect.pisp import Creditor, PaymentInitiation, PaymentOrder
from chatbank.connect.signing import RequestSigner
from chatbank.core.money import Money
from tests.payments.flows import answer_payment, total_available
from tests.support.stack import Stack


async def test_a_retried_execution_returns_the_first_payment_and_moves_money_once(
        stack: Stack) -> None:
    bank = stack.banks["northbank"]
    bob_account = (await asyncio.to_thread(bank.accounts, "bob"))[0]
    ob = OpenBankingClient()
    pisp = PaymentInitiation(
        BankDirectory.from_json(stack.settings.banks), ob,
        RequestSigner.load_or_create(stack.settings.data_dir / PLATFORM_SIGNING_KEY_FILE),
        f"{stack.platform_url}/payments/callback")
    order = PaymentOrder("pay_retry_test_0001", Money(321, "GBP"),
                         Creditor(bob_account.sort_code, bob_account.account_number, "Bob"),
                         "retry test")
    try:
        consent_id = await pisp.create_consent("northbank", order, "pay_retry_test_0001.c1")
        assert consent_id == await pisp.create_consent("northbank", order,
                                                       "pay_retry_test_0001.c1")
        start = await pisp.start_authorisation("northbank", consent_id)
        answer = answer_payment(stack, start.url, "alice")
        assert answer["state"] == start.state
        token = await pisp.exchange_code("northbank", answer["code"], start.verifier)
        assert await pisp.funds_available("northbank", consent_id, token)
        before = await asyncio.to_thread(total_available, stack, "alice")
        first = await pisp.execute("northbank", consent_id, order, token, order.instruction_id)
        retried = await pisp.execute("northbank", consent_id, order, token,
                                     order.instruction_id)
        assert retried.payment_id == first.payment_id and first.status == retried.status
        with pytest.raises(BankAccessRevoked):  # 403: the consent was consumed
            await pisp.execute("northbank", consent_id, order, token, "another-key")
        assert await asyncio.to_thread(total_available, stack, "alice") == before - 321
        assert (await pisp.status("northbank", first.payment_id)).outcome.value == "completed"
    finally:
        await ob.close()


async def test_the_bank_refuses_unsigned_payment_requests(stack: Stack) -> None:
    directory = BankDirectory.from_json(stack.settings.banks)
    ob = OpenBankingClient()
    order = PaymentOrder("pay_unsigned_0001", Money(100, "GBP"),
                         Creditor("200000", "12345678", "Someone"), "unsigned")
    try:
        bank = directory.get("northbank")
        token = await ob.client_token(bank, "payments")
        with pytest.raises(BankRejected):
            await ob.api(bank, "POST", "pisp", "/domestic-payment-consents", token,
                         {"Data": {"Initiation": order.initiation()}, "Risk": {}},
                         idempotency_key="pay_unsigned_0001.c1")
    finally:
        await ob.close()
