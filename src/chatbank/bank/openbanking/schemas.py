"""Pydantic models of the request bodies we accept (the OB API's edge; nothing else uses them)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Permission = Literal[
    "ReadAccountsBasic", "ReadAccountsDetail", "ReadBalances", "ReadBeneficiariesBasic",
    "ReadBeneficiariesDetail", "ReadDirectDebits", "ReadOffers", "ReadPAN", "ReadParty",
    "ReadPartyPSU", "ReadProducts", "ReadScheduledPaymentsBasic", "ReadScheduledPaymentsDetail",
    "ReadStandingOrdersBasic", "ReadStandingOrdersDetail", "ReadStatementsBasic",
    "ReadStatementsDetail", "ReadTransactionsBasic", "ReadTransactionsCredits",
    "ReadTransactionsDebits", "ReadTransactionsDetail",
    "ManageCards",  # this bank's extension (card_controls.py), not an OB permission
]
SORT_CODE_SCHEME = "UK.OBIE.SortCodeAccountNumber"
# An ISO 8601 string only (lax mode would also take a number of seconds, which the spec does not).
DateTime = Annotated[datetime, Field(strict=True)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ReadConsentData(_Strict):
    Permissions: list[Permission] = Field(min_length=1)
    ExpirationDateTime: datetime | None = None
    TransactionFromDateTime: datetime | None = None
    TransactionToDateTime: datetime | None = None


class ReadConsentRequest(_Strict):
    """OBReadConsent1."""

    Data: ReadConsentData
    Risk: dict[str, Any]


class ActiveAmount(_Strict):
    Amount: str = Field(pattern=r"^\d{1,13}$|^\d{1,13}\.\d{1,5}$")
    Currency: str = Field(pattern=r"^[A-Z]{3,3}$")


class CashAccount(_Strict):
    SchemeName: str
    Identification: str = Field(min_length=1, max_length=256)
    Name: str | None = Field(default=None, min_length=1, max_length=350)
    SecondaryIdentification: str | None = Field(default=None, min_length=1, max_length=34)


class CreditorAccount(CashAccount):
    Name: str = Field(min_length=1, max_length=350)


class Remittance(_Strict):
    Unstructured: str | None = Field(default=None, min_length=1, max_length=140)
    Reference: str | None = Field(default=None, min_length=1, max_length=35)


class Initiation(_Strict):
    InstructionIdentification: str = Field(min_length=1, max_length=35)
    EndToEndIdentification: str = Field(min_length=1, max_length=35)
    LocalInstrument: str | None = None
    InstructedAmount: ActiveAmount
    DebtorAccount: CashAccount | None = None
    CreditorAccount: CreditorAccount
    CreditorPostalAddress: dict[str, Any] | None = None  # OBPostalAddress6; kept, not used
    RemittanceInformation: Remittance | None = None
    SupplementaryData: dict[str, Any] | None = None


class DomesticConsentData(_Strict):
    ReadRefundAccount: Literal["No", "Yes"] | None = None
    Initiation: Initiation
    Authorisation: dict[str, Any] | None = None
    SCASupportData: dict[str, Any] | None = None


class DomesticConsentRequest(_Strict):
    """OBWriteDomesticConsent4."""

    Data: DomesticConsentData
    Risk: dict[str, Any]


class DomesticPaymentData(_Strict):
    ConsentId: str = Field(min_length=1, max_length=128)
    Initiation: Initiation


class DomesticPaymentRequest(_Strict):
    """OBWriteDomestic2."""

    Data: DomesticPaymentData
    Risk: dict[str, Any]


class ScheduledInitiation(Initiation):
    RequestedExecutionDateTime: DateTime


class ScheduledConsentData(_Strict):
    Permission: Literal["Create"]
    ReadRefundAccount: Literal["No", "Yes"] | None = None
    Initiation: ScheduledInitiation
    Authorisation: dict[str, Any] | None = None
    SCASupportData: dict[str, Any] | None = None


class ScheduledConsentRequest(_Strict):
    """OBWriteDomesticScheduledConsent4."""

    Data: ScheduledConsentData
    Risk: dict[str, Any]


class ScheduledPaymentData(_Strict):
    ConsentId: str = Field(min_length=1, max_length=128)
    Initiation: ScheduledInitiation


class ScheduledPaymentRequest(_Strict):
    """OBWriteDomesticScheduled2."""

    Data: ScheduledPaymentData
    Risk: dict[str, Any]


FREQUENCY = (r"^(EvryDay)$|^(EvryWorkgDay)$|^(IntrvlDay:((0[2-9])|([1-2][0-9])|3[0-1]))$"
             r"|^(IntrvlWkDay:0[1-9]:0[1-7])$|^(WkInMnthDay:0[1-5]:0[1-7])$"
             r"|^(IntrvlMnthDay:(0[1-6]|12|24):(-0[1-5]|0[1-9]|[12][0-9]|3[01]))$"
             r"|^(QtrDay:(ENGLISH|SCOTTISH|RECEIVED))$")


class StandingOrderInitiation(_Strict):
    Frequency: str = Field(pattern=FREQUENCY)
    Reference: str | None = Field(default=None, min_length=1, max_length=35)
    NumberOfPayments: str | None = Field(default=None, min_length=1, max_length=35)
    FirstPaymentDateTime: DateTime
    RecurringPaymentDateTime: DateTime | None = None
    FinalPaymentDateTime: DateTime | None = None
    FirstPaymentAmount: ActiveAmount
    RecurringPaymentAmount: ActiveAmount | None = None
    FinalPaymentAmount: ActiveAmount | None = None
    DebtorAccount: CashAccount | None = None
    CreditorAccount: CreditorAccount
    SupplementaryData: dict[str, Any] | None = None


class StandingOrderConsentData(_Strict):
    Permission: Literal["Create"]
    ReadRefundAccount: Literal["No", "Yes"] | None = None
    Initiation: StandingOrderInitiation
    Authorisation: dict[str, Any] | None = None
    SCASupportData: dict[str, Any] | None = None


class StandingOrderConsentRequest(_Strict):
    """OBWriteDomesticStandingOrderConsent5."""

    Data: StandingOrderConsentData
    Risk: dict[str, Any]


class StandingOrderData(_Strict):
    ConsentId: str = Field(min_length=1, max_length=128)
    Initiation: StandingOrderInitiation


class StandingOrderRequest(_Strict):
    """OBWriteDomesticStandingOrder3."""

    Data: StandingOrderData
    Risk: dict[str, Any]
