"""Money as integer minor units of an ISO 4217 currency. Decimal appears only at the edges."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from chatbank.core.errors import InvalidInput

# ISO 4217 minor-unit exponents for the currencies the platform and banks accept.
CURRENCY_EXPONENTS: dict[str, int] = {
    "GBP": 2, "EUR": 2, "USD": 2, "CHF": 2, "SEK": 2, "NOK": 2, "DKK": 2, "PLN": 2,
    "CZK": 2, "HUF": 2, "CAD": 2, "AUD": 2, "NZD": 2, "INR": 2, "CNY": 2, "HKD": 2,
    "SGD": 2, "JPY": 0, "KRW": 0, "ISK": 0, "BHD": 3, "KWD": 3, "JOD": 3, "OMR": 3,
    "TND": 3,
}
MAX_AMOUNT_MINOR = 10**15


def currency_exponent(currency: str) -> int:
    """Minor-unit exponent of `currency`; raises `unknown_currency` for codes we do not accept."""
    try:
        return CURRENCY_EXPONENTS[currency]
    except KeyError:
        raise InvalidInput("unknown_currency", f"Currency {currency!r} is not supported.") from None


@dataclass(frozen=True, slots=True)
class Money:
    """An exact amount: `amount_minor` units of 10**-exponent of `currency`."""

    amount_minor: int
    currency: str

    def __post_init__(self) -> None:
        currency_exponent(self.currency)
        if not isinstance(self.amount_minor, int) or isinstance(self.amount_minor, bool):
            raise InvalidInput("invalid_amount", "Amounts are whole numbers of minor units.")
        if abs(self.amount_minor) > MAX_AMOUNT_MINOR:
            raise InvalidInput("amount_too_large", "The amount is larger than we can handle.")

    @classmethod
    def from_decimal_string(cls, text: str, currency: str) -> Money:
        """Parse a decimal string such as ``"12.50"`` exactly; too many decimals is an error."""
        exponent = currency_exponent(currency)
        try:
            value = Decimal(text.strip())
        except InvalidOperation:
            raise InvalidInput("invalid_amount", f"{text!r} is not a number.") from None
        if not value.is_finite():
            raise InvalidInput("invalid_amount", f"{text!r} is not a number.")
        scaled = value.scaleb(exponent)
        if scaled != scaled.to_integral_value():
            raise InvalidInput(
                "too_many_decimals", f"{currency} amounts have at most {exponent} decimal places."
            )
        return cls(int(scaled), currency)

    def to_decimal_string(self) -> str:
        """Render as a plain decimal string with exactly the currency's decimals."""
        exponent = currency_exponent(self.currency)
        value = Decimal(self.amount_minor).scaleb(-exponent)
        return f"{value:.{exponent}f}"

    def __add__(self, other: Money) -> Money:
        self._same_currency(other)
        return Money(self.amount_minor + other.amount_minor, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same_currency(other)
        return Money(self.amount_minor - other.amount_minor, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.amount_minor, self.currency)

    def _same_currency(self, other: Money) -> None:
        if other.currency != self.currency:
            raise InvalidInput("currency_mismatch", "Cannot mix amounts in different currencies.")


CURRENCY_SYMBOLS = {"GBP": "£", "EUR": "€", "USD": "$", "JPY": "¥", "INR": "₹"}


def format_money(money: Money) -> str:
    """Human display, e.g. ``£1,234.56`` or ``-£5.00`` (symbol when known, else the code)."""
    exponent = currency_exponent(money.currency)
    value = abs(Decimal(money.amount_minor).scaleb(-exponent))
    digits = f"{value:,.{exponent}f}"
    symbol = CURRENCY_SYMBOLS.get(money.currency)
    text = f"{symbol}{digits}" if symbol else f"{digits} {money.currency}"
    return f"-{text}" if money.amount_minor < 0 else text
