"""Rendering the books' dataclasses as OB v3.1.11 JSON; amounts become decimal strings here."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any

from chatbank.bank.books.model import (
    SCHEME_SORT_CODE_ACCOUNT_NUMBER,
    Account,
    Balances,
    Beneficiary,
    DirectDebit,
    Party,
    ScheduledPayment,
    StandingOrder,
    Transaction,
)
from chatbank.bank.books.standing_plan import final_occurrence, upcoming
from chatbank.core.money import Money


def stamp(moment: datetime | date) -> str:
    """ISO 8601 date-time in UTC without fractions, as OB examples show."""
    if not isinstance(moment, datetime):
        moment = datetime.combine(moment, time(), UTC)
    return moment.astimezone(UTC).replace(microsecond=0).isoformat()


def amount(amount_minor: int, currency: str) -> dict[str, str]:
    """OBActiveOrHistoricCurrencyAndAmount: a positive decimal string and the currency."""
    return {"Amount": Money(abs(amount_minor), currency).to_decimal_string(),
            "Currency": currency}


def sort_code_account(sort_code: str, number: str, name: str | None) -> dict[str, str]:
    body = {"SchemeName": SCHEME_SORT_CODE_ACCOUNT_NUMBER, "Identification": sort_code + number}
    if name:
        body["Name"] = name[:350]
    return body


def account_json(account: Account, detail: bool) -> dict[str, Any]:
    body: dict[str, Any] = {
        "AccountId": account.id, "Status": account.status, "Currency": account.currency,
        "AccountType": account.account_type, "AccountSubType": str(account.subtype),
        "Nickname": account.nickname, "OpeningDate": stamp(account.opened_on)}
    if detail:
        body["Account"] = [sort_code_account(account.sort_code, account.account_number,
                                             account.holder_name)]
    return body


def balance_json(balances: Balances) -> list[dict[str, Any]]:
    def one(kind: str, value: int, with_credit_line: bool) -> dict[str, Any]:
        item: dict[str, Any] = {
            "AccountId": balances.account_id, "Type": kind, "DateTime": stamp(balances.as_of),
            "CreditDebitIndicator": "Credit" if value >= 0 else "Debit",
            "Amount": amount(value, balances.currency)}
        if with_credit_line and balances.credit_line_minor:
            item["CreditLine"] = [{"Included": True, "Type": "Pre-Agreed",
                                   "Amount": amount(balances.credit_line_minor,
                                                    balances.currency)}]
        return item

    return [one("InterimBooked", balances.booked_minor, False),
            one("InterimAvailable", balances.available_minor, True)]


def transaction_json(item: Transaction, detail: bool) -> dict[str, Any]:
    body: dict[str, Any] = {
        "AccountId": item.account_id, "TransactionId": item.transaction_id,
        "CreditDebitIndicator": str(item.credit_debit), "Status": str(item.status),
        "BookingDateTime": stamp(item.booking_at), "ValueDateTime": stamp(item.value_at),
        "Amount": amount(item.amount_minor, item.currency),
        "ProprietaryBankTransactionCode": {"Code": item.bank_transaction_code[:35]}}
    if item.reference:
        body["TransactionReference"] = item.reference
    if detail:
        body["TransactionInformation"] = item.description or "Transaction"
        if item.balance_after_minor is not None:
            body["Balance"] = {"Type": "InterimBooked",
                               "CreditDebitIndicator": "Credit"
                               if item.balance_after_minor >= 0 else "Debit",
                               "Amount": amount(item.balance_after_minor, item.currency)}
        if item.merchant_name:
            body["MerchantDetails"] = {"MerchantName": item.merchant_name}
            if item.merchant_category_code:
                body["MerchantDetails"]["MerchantCategoryCode"] = item.merchant_category_code
    return body


def beneficiary_json(item: Beneficiary, detail: bool) -> dict[str, Any]:
    body: dict[str, Any] = {"AccountId": item.account_id, "BeneficiaryId": item.id,
                            "BeneficiaryType": "Trusted"}
    if item.reference:
        body["Reference"] = item.reference
    if detail:
        body["CreditorAccount"] = sort_code_account(item.sort_code, item.account_number,
                                                    item.name)
    return body


def standing_order_json(item: StandingOrder, detail: bool) -> dict[str, Any]:
    """OBStandingOrder6: the schedule, the last payment made and the next one due."""
    body: dict[str, Any] = {
        "AccountId": item.account_id, "StandingOrderId": item.id, "Frequency": item.frequency,
        "StandingOrderStatusCode": item.status,
        "FirstPaymentDateTime": stamp(item.first_payment_date),
        "FirstPaymentAmount": amount(item.first_amount_minor or item.amount_minor,
                                     item.currency)}
    if item.reference:
        body["Reference"] = item.reference
    if item.number_of_payments is not None:
        body["NumberOfPayments"] = str(item.number_of_payments)
    following = upcoming(item)
    if following is not None:
        body["NextPaymentDateTime"] = stamp(following.payment_date)
        body["NextPaymentAmount"] = amount(following.amount_minor, item.currency)
    if item.last_payment_date is not None and item.last_amount_minor is not None:
        body["LastPaymentDateTime"] = stamp(item.last_payment_date)
        body["LastPaymentAmount"] = amount(item.last_amount_minor, item.currency)
    last = final_occurrence(item)
    final_date = item.final_payment_date or (last.payment_date if last else None)
    if final_date:
        body["FinalPaymentDateTime"] = stamp(final_date)
    if final_date or item.final_amount_minor is not None:
        body["FinalPaymentAmount"] = amount(item.final_amount_minor or item.amount_minor,
                                            item.currency)
    if detail:
        body["CreditorAccount"] = sort_code_account(
            item.creditor_sort_code, item.creditor_account_number, item.creditor_name)
    return body


def direct_debit_json(item: DirectDebit) -> dict[str, Any]:
    body: dict[str, Any] = {
        "AccountId": item.account_id, "DirectDebitId": item.id,
        "MandateIdentification": item.mandate_reference, "Name": item.originator_name,
        "DirectDebitStatusCode": item.status}
    if item.previous_payment_date:
        body["PreviousPaymentDateTime"] = stamp(item.previous_payment_date)
    if item.previous_amount_minor is not None:
        body["PreviousPaymentAmount"] = amount(item.previous_amount_minor, item.currency)
    return body


def scheduled_payment_json(item: ScheduledPayment, detail: bool) -> dict[str, Any]:
    body: dict[str, Any] = {
        "AccountId": item.account_id, "ScheduledPaymentId": item.id,
        "ScheduledPaymentDateTime": stamp(item.execution_date), "ScheduledType": "Execution",
        "InstructedAmount": amount(item.amount_minor, item.currency)}
    if item.reference:
        body["Reference"] = item.reference
    if detail:
        body["CreditorAccount"] = sort_code_account(
            item.creditor_sort_code, item.creditor_account_number, item.creditor_name)
    return body


def party_json(party: Party) -> dict[str, Any]:
    body: dict[str, Any] = {"PartyId": party.party_id, "PartyType": "Sole", "Name": party.name}
    if party.email:
        body["EmailAddress"] = party.email
    if party.town or party.post_code or party.address_line:
        address: dict[str, Any] = {"AddressType": "Residential", "Country": "GB"}
        if party.address_line:
            address["AddressLine"] = [party.address_line[:70]]
        if party.town:
            address["TownName"] = party.town
        if party.post_code:
            address["PostCode"] = party.post_code
        body["Address"] = [address]
    return body
