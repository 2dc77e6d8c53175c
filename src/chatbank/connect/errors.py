"""Coded errors of the connect context (talking to banks)."""

from __future__ import annotations

from chatbank.core.errors import ChatbankError, Conflict, Forbidden, InvalidInput, NotFound


class BankUnavailable(ChatbankError):
    """The bank did not answer in time or answered with a server error."""

    def __init__(self, bank_name: str, detail: str = "") -> None:
        super().__init__("bank_unavailable",
                         f"{bank_name} is not answering right now; try again in a minute.",
                         bank=bank_name, detail=detail)


class BankAccessRevoked(Forbidden):
    """The bank refused our token or consent: the customer revoked it or it expired there."""

    def __init__(self, bank_name: str, ob_code: str = "") -> None:
        super().__init__("bank_access_revoked",
                         f"{bank_name} no longer gives chatbank access; link it again if you "
                         "want to.", bank=bank_name, ob_code=ob_code)


class BankRejected(InvalidInput):
    """The bank refused the request itself (its message says why)."""

    def __init__(self, bank_name: str, ob_code: str, message: str) -> None:
        super().__init__("bank_rejected", f"{bank_name} said: {message}", bank=bank_name,
                         ob_code=ob_code)


def unknown_bank(bank_id: str) -> NotFound:
    return NotFound("unknown_bank", f"chatbank does not know a bank called {bank_id!r}.")


def link_not_found() -> NotFound:
    return NotFound("link_not_found", "No such bank link.")


def link_flow_invalid(message: str) -> Conflict:
    return Conflict("link_flow_invalid", message)
