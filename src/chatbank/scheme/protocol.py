"""The wire protocol between banks and the scheme: payment ids and HMAC-signed requests.

Pure Python, no framework imports: both the scheme and the banks' scheme clients use it, as a
real bank would use its scheme's message specification. Each bank shares one secret with the
scheme; every request in either direction carries

    x-scheme-participant: <bank id, or "scheme">
    x-scheme-timestamp:   <unix seconds>
    x-scheme-signature:   hex HMAC-SHA256(secret,
                              participant \\n timestamp \\n METHOD \\n path \\n body)

so a request cannot be forged, altered or replayed later than `MAX_SKEW_S` seconds.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Mapping
from dataclasses import dataclass

PARTICIPANT_HEADER = "x-scheme-participant"
TIMESTAMP_HEADER = "x-scheme-timestamp"
SIGNATURE_HEADER = "x-scheme-signature"
SCHEME_PARTICIPANT = "scheme"
MAX_SKEW_S = 300
API_PREFIX = "/scheme/v1"


# Why a payee's bank refused a payment: stable codes and the words the payer is shown, one list
# for every member (as a real scheme publishes its reject reason codes).
REJECT_REASONS: Mapping[str, str] = {
    "creditor_account_closed": "The payee's account is closed.",
    "creditor_account_not_found": "The payee's bank has no account with those details.",
    "currency_mismatch": "The payee's account cannot receive this currency.",
    "payment_expired": "The payment reached the payee's bank too late and was returned.",
}
DEFAULT_REJECT_REASON = "The payee's bank refused the payment."


def reject_reason(code: str | None) -> str:
    """The words for a payee bank's reject code (a generic sentence for codes not listed)."""
    return REJECT_REASONS.get(code or "", DEFAULT_REJECT_REASON)


class SignatureError(Exception):
    """A request whose signature headers are missing, stale or wrong; `code` is stable."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def scheme_payment_id(bank_id: str, transfer_id: str) -> str:
    """The scheme's id of a bank's outbound transfer: the same transfer is always one payment."""
    digest = hashlib.sha256(f"{bank_id}\x00{transfer_id}".encode()).hexdigest()
    return f"sp_{digest[:40]}"


def _mac(secret: str, participant: str, timestamp: str, method: str, path: str,
         body: bytes) -> str:
    message = f"{participant}\n{timestamp}\n{method.upper()}\n{path}\n".encode() + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def sign_request(secret: str, participant: str, method: str, path: str, body: bytes,
                 now_s: float | None = None) -> dict[str, str]:
    """The three headers that authenticate `body` sent to `path` by `participant`."""
    timestamp = str(int(time.time() if now_s is None else now_s))
    return {PARTICIPANT_HEADER: participant, TIMESTAMP_HEADER: timestamp,
            SIGNATURE_HEADER: _mac(secret, participant, timestamp, method, path, body)}


@dataclass(frozen=True, slots=True)
class SignedBy:
    participant: str


def verify_request(headers: Mapping[str, str], secret_of: Mapping[str, str], method: str,
                   path: str, body: bytes, now_s: float | None = None) -> SignedBy:
    """Who signed the request; raises `SignatureError` (unknown_participant, stale_request,
    bad_signature, missing_signature)."""
    participant = headers.get(PARTICIPANT_HEADER, "")
    timestamp = headers.get(TIMESTAMP_HEADER, "")
    signature = headers.get(SIGNATURE_HEADER, "")
    if not (participant and timestamp and signature):
        raise SignatureError("missing_signature", "Sign the request (x-scheme-* headers).")
    secret = secret_of.get(participant)
    if secret is None:
        raise SignatureError("unknown_participant", "That participant is not registered.")
    now = time.time() if now_s is None else now_s
    if not timestamp.isdigit() or abs(now - int(timestamp)) > MAX_SKEW_S:
        raise SignatureError("stale_request", f"Timestamps may differ by {MAX_SKEW_S} s at most.")
    expected = _mac(secret, participant, timestamp, method, path, body)
    if not hmac.compare_digest(expected, signature):
        raise SignatureError("bad_signature", "The signature does not match the request.")
    return SignedBy(participant)
