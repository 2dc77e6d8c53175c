"""The schedule part of a standing-order initiation, checked with OB error codes."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from chatbank.bank.openbanking.errors import OBError
from chatbank.bank.openbanking.schemas import StandingOrderInitiation
from chatbank.core.clock import as_utc
from chatbank.core.frequency import FrequencyError, parse_frequency
from chatbank.core.money import Money

FIELD = "Data.Initiation."
MAX_PAYMENTS = 10_000


def check_schedule(order: StandingOrderInitiation) -> None:
    """A Frequency the bank can schedule, later dates after the first payment's, and
    NumberOfPayments a whole number from 1."""
    try:
        parse_frequency(order.Frequency)
    except FrequencyError as error:
        raise OBError(400, error.code, "UK.OBIE.Field.Invalid", str(error),
                      FIELD + "Frequency") from None
    first = as_utc(order.FirstPaymentDateTime).date()
    for name in ("RecurringPaymentDateTime", "FinalPaymentDateTime"):
        later = day(getattr(order, name))
        if later is not None and later <= first:
            raise OBError(400, "schedule_date_before_first", "UK.OBIE.Field.InvalidDate",
                          f"{name} must be a day after FirstPaymentDateTime.", FIELD + name)
    count = order.NumberOfPayments
    if count is not None and not (count.isdigit() and 1 <= int(count) <= MAX_PAYMENTS):
        raise OBError(400, "number_of_payments_invalid", "UK.OBIE.Field.Invalid",
                      f"NumberOfPayments is a whole number from 1 to {MAX_PAYMENTS}.",
                      FIELD + "NumberOfPayments")


def day(moment: datetime | None) -> date | None:
    """The UTC date of an OB date-time (None stays None)."""
    return as_utc(moment).date() if moment is not None else None


def minor(amount: dict[str, Any]) -> int:
    """An OB amount object in minor units."""
    return Money.from_decimal_string(amount["Amount"], amount["Currency"]).amount_minor
