"""Detached JWS for `x-jws-signature`: what the bank accepts and refuses (pure, no server)."""

from __future__ import annotations

import json
import time

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding

from chatbank.bank.openbanking.jws import (
    OB_IAT,
    OB_ISS,
    SignatureError,
    SigningKey,
    b64url,
    b64url_decode,
    verify_detached,
)

KEY = SigningKey.generate()
BODY = b'{"Data":{"Initiation":{}},"Risk":{}}'


def resigned(changes: dict[str, object], key: SigningKey = KEY) -> str:
    """A signature whose protected header was edited, then properly signed again."""
    header = json.loads(b64url_decode(KEY.sign_detached(BODY, "cli_1", "tan").split(".")[0]))
    header.update(changes)
    encoded = b64url(json.dumps(header).encode())
    signature = key.private_key.sign(
        encoded.encode() + b"." + BODY,
        padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=32), hashes.SHA256())
    return f"{encoded}..{b64url(signature)}"


def test_a_signature_over_the_exact_body_verifies() -> None:
    verify_detached(KEY.sign_detached(BODY, "cli_1", "tan"), BODY, [KEY.jwk], "cli_1")


@pytest.mark.parametrize(("signature", "body", "code"), [
    (None, BODY, "signature_missing"),
    ("not-a-jws", BODY, "signature_malformed"),
    (KEY.sign_detached(BODY, "cli_1", "tan"), BODY + b" ", "signature_invalid"),
    (resigned({OB_ISS: "cli_2"}), BODY, "signature_invalid_claim"),
    (resigned({OB_IAT: int(time.time()) + 3600}), BODY, "signature_invalid_claim"),
    (resigned({"b64": True}), BODY, "signature_missing_claim"),
    (resigned({"alg": "RS256"}), BODY, "signature_invalid_claim"),
    (resigned({"kid": "someone-else"}), BODY, "signature_invalid_claim"),
    (resigned({}, SigningKey.generate()), BODY, "signature_invalid"),
])
def test_bad_signatures_are_refused_with_a_stable_code(signature: str | None, body: bytes,
                                                       code: str) -> None:
    with pytest.raises(SignatureError) as refused:
        verify_detached(signature, body, [KEY.jwk], "cli_1")
    assert refused.value.code == code


def test_the_public_jwk_round_trips_and_the_kid_is_a_thumbprint() -> None:
    jwk = KEY.jwk
    assert jwk["kty"] == "RSA" and len(jwk["kid"]) == 43
    again = SigningKey.from_pem(KEY.to_pem())
    assert again.jwk == jwk
