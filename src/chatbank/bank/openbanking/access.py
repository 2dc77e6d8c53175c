"""Who may call what: bearer tokens, client-only tokens, and the consent behind a user token."""

from __future__ import annotations

from fastapi import Request

from chatbank.bank.auth.server import TokenGrant
from chatbank.bank.openbanking.consents import Consent
from chatbank.bank.openbanking.errors import OBError
from chatbank.bank.openbanking.runtime import BankRuntime
from chatbank.core.errors import Unauthenticated


async def bearer_grant(request: Request, bank: BankRuntime) -> TokenGrant:
    """The grant behind `Authorization: Bearer …`, or 401."""
    header = request.headers.get("authorization", "")
    if not header.lower().startswith("bearer ") or not header[7:].strip():
        raise Unauthenticated("missing_token", "Send Authorization: Bearer <access token>.")
    return await bank.server.resolve_access_token(header[7:].strip())


async def client_grant(request: Request, bank: BankRuntime, scope: str) -> TokenGrant:
    """A client_credentials token with `scope` (for creating and reading consents)."""
    grant = await bearer_grant(request, bank)
    if grant.consent_id is not None or grant.scope != scope:
        raise OBError(403, "wrong_token_type", "UK.OBIE.Header.Invalid",
                      f"Use a client_credentials token with scope {scope}.", "Authorization")
    return grant


def ensure_usable(consent: Consent | None, kind: str, statuses: tuple[str, ...]) -> Consent:
    """The consent exists, is of `kind`, is in one of `statuses` and has not expired."""
    if consent is None or consent.kind != kind:
        raise OBError(403, "consent_not_found", "UK.OBIE.Resource.InvalidConsentStatus",
                      "The token is not bound to a consent of this kind.")
    if consent.status not in statuses:
        raise OBError(403, f"consent_{consent.status.lower()}",
                      "UK.OBIE.Resource.InvalidConsentStatus",
                      f"The consent is {consent.status}; ask the customer to authorise again.")
    if consent.expired:
        raise OBError(403, "consent_expired", "UK.OBIE.Resource.InvalidConsentStatus",
                      "The consent has expired; ask the customer for a new one.")
    return consent


async def consent_grant(request: Request, bank: BankRuntime, kind: str,
                        statuses: tuple[str, ...] = ("Authorised",)) -> tuple[TokenGrant, Consent]:
    """A user token and the live consent it is bound to; records the use for the dashboard."""
    grant = await bearer_grant(request, bank)
    if grant.consent_id is None:
        raise OBError(403, "wrong_token_type", "UK.OBIE.Header.Invalid",
                      "This call needs the customer's token (authorization_code grant).",
                      "Authorization")
    consent = ensure_usable(await bank.consents.find(grant.consent_id), kind, statuses)
    await bank.consents.touch(consent.consent_id)
    return grant, consent


def require_permission(consent: Consent, *any_of: str) -> set[str]:
    """The granted subset of `any_of`; 403 when none is granted."""
    granted = set(consent.permissions) & set(any_of)
    if not granted:
        raise OBError(403, "permission_not_granted", "UK.OBIE.Resource.InvalidConsentStatus",
                      f"The consent does not grant {' or '.join(any_of)}.")
    return granted


def require_account(consent: Consent, account_id: str) -> None:
    """The customer picked this account for the consent (others look unknown)."""
    if account_id not in consent.account_ids:
        raise OBError(403, "account_not_in_consent", "UK.OBIE.Resource.NotFound",
                      "No such account under this consent.", "AccountId")
