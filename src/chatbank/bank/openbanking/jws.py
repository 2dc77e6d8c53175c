"""Detached JWS (PS256) as UK Open Banking uses it for `x-jws-signature`.

The protected header carries `kid`, `b64: false` (RFC 7797, unencoded payload) and the OB claims
`http://openbanking.org.uk/iat|iss|tan`, all listed in `crit`. The header value is
`BASE64URL(header)..BASE64URL(signature)`: the payload is the exact HTTP body and is not repeated.
"""

from __future__ import annotations

import base64
import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from chatbank.core.errors import ChatbankError

OB_IAT = "http://openbanking.org.uk/iat"
OB_ISS = "http://openbanking.org.uk/iss"
OB_TAN = "http://openbanking.org.uk/tan"
CRIT = ["b64", OB_IAT, OB_ISS, OB_TAN]
_PSS = padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=32)
MAX_CLOCK_SKEW_S = 300


class SignatureError(ChatbankError):
    """A request signature is missing, malformed or does not verify."""


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _int_b64(value: int) -> str:
    return b64url(value.to_bytes((value.bit_length() + 7) // 8, "big"))


def public_jwk(key: rsa.RSAPublicKey) -> dict[str, str]:
    """The RFC 7517 JWK of an RSA public key, with an RFC 7638 thumbprint as `kid`."""
    numbers = key.public_numbers()
    core = {"e": _int_b64(numbers.e), "kty": "RSA", "n": _int_b64(numbers.n)}
    digest = hashes.Hash(hashes.SHA256())
    digest.update(json.dumps(core, separators=(",", ":"), sort_keys=True).encode())
    return {**core, "kid": b64url(digest.finalize()), "use": "sig", "alg": "PS256"}


def rsa_key_from_jwk(jwk: dict[str, Any]) -> rsa.RSAPublicKey:
    """Parse an RSA public JWK; raises `invalid_jwk` for anything else."""
    try:
        if jwk.get("kty") != "RSA":
            raise ValueError("not RSA")
        n = int.from_bytes(b64url_decode(str(jwk["n"])), "big")
        e = int.from_bytes(b64url_decode(str(jwk["e"])), "big")
        return rsa.RSAPublicNumbers(e, n).public_key()
    except (KeyError, ValueError, TypeError):
        raise SignatureError("invalid_jwk", "The JWK is not an RSA public key.") from None


@dataclass(frozen=True)
class SigningKey:
    """A private RSA key with its public JWK."""

    private_key: rsa.RSAPrivateKey

    @property
    def jwk(self) -> dict[str, str]:
        return public_jwk(self.private_key.public_key())

    @property
    def kid(self) -> str:
        return self.jwk["kid"]

    @classmethod
    def generate(cls) -> SigningKey:
        return cls(rsa.generate_private_key(public_exponent=65537, key_size=2048))

    @classmethod
    def from_pem(cls, pem: bytes) -> SigningKey:
        key = serialization.load_pem_private_key(pem, password=None)
        if not isinstance(key, rsa.RSAPrivateKey):
            raise ValueError("the signing key must be an RSA private key")
        return cls(key)

    def to_pem(self) -> bytes:
        return self.private_key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption())

    @classmethod
    def load_or_create(cls, path: Path) -> SigningKey:
        """Read the PEM at `path`, creating a fresh key there (mode 0600) on first start."""
        if path.exists():
            return cls.from_pem(path.read_bytes())
        key = cls.generate()
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(key.to_pem())
        path.chmod(0o600)
        return key

    def sign_detached(self, body: bytes, issuer: str, trust_anchor: str) -> str:
        """Detached JWS over `body` for the `x-jws-signature` header."""
        header = {"alg": "PS256", "kid": self.kid, "typ": "JOSE", "cty": "application/json",
                  "b64": False, OB_IAT: int(time.time()), OB_ISS: issuer, OB_TAN: trust_anchor,
                  "crit": CRIT}
        encoded_header = b64url(json.dumps(header, separators=(",", ":")).encode())
        signature = self.private_key.sign(encoded_header.encode() + b"." + body, _PSS,
                                          hashes.SHA256())
        return f"{encoded_header}..{b64url(signature)}"


def _header_of(signature: str) -> tuple[dict[str, Any], str, bytes]:
    parts = signature.split(".")
    if len(parts) != 3 or parts[1] != "":
        raise SignatureError("signature_malformed",
                             "x-jws-signature must be a detached JWS: header..signature.")
    try:
        header = json.loads(b64url_decode(parts[0]))
        raw_signature = b64url_decode(parts[2])
    except ValueError:
        raise SignatureError("signature_malformed", "The JWS header is not valid JSON.") from None
    if not isinstance(header, dict):
        raise SignatureError("signature_malformed", "The JWS header is not an object.")
    return header, parts[0], raw_signature


def _check_claims(header: dict[str, Any], expected_issuer: str) -> None:
    if header.get("alg") != "PS256":
        raise SignatureError("signature_invalid_claim", "Only alg PS256 is accepted.")
    if header.get("b64") is not False or sorted(header.get("crit") or []) != sorted(CRIT):
        raise SignatureError("signature_missing_claim",
                             "The header needs b64=false and crit listing b64 and the OB claims.")
    if header.get(OB_ISS) != expected_issuer:
        raise SignatureError("signature_invalid_claim",
                             f"{OB_ISS} must be the client id {expected_issuer!r}.")
    issued_at = header.get(OB_IAT)
    if not isinstance(issued_at, int) or issued_at > time.time() + MAX_CLOCK_SKEW_S:
        raise SignatureError("signature_invalid_claim", f"{OB_IAT} is missing or in the future.")


def verify_detached(signature: str | None, body: bytes, jwks: list[dict[str, Any]],
                    expected_issuer: str) -> None:
    """Check a request's `x-jws-signature` against the client's registered JWKS."""
    if not signature:
        raise SignatureError("signature_missing", "This request must carry x-jws-signature.")
    header, encoded_header, raw_signature = _header_of(signature)
    _check_claims(header, expected_issuer)
    matching = [jwk for jwk in jwks if jwk.get("kid") == header.get("kid")]
    if not matching:
        raise SignatureError("signature_invalid_claim",
                             "The kid is not one of the client's registered keys.")
    key = rsa_key_from_jwk(matching[0])
    try:
        key.verify(raw_signature, encoded_header.encode() + b"." + body, _PSS, hashes.SHA256())
    except InvalidSignature:
        raise SignatureError("signature_invalid",
                             "x-jws-signature does not match the body.") from None


def sign_jwt(key: SigningKey, claims: dict[str, Any]) -> str:
    """A compact PS256 JWT (used by clients for `private_key_jwt` assertions)."""
    header = {"alg": "PS256", "kid": key.kid, "typ": "JWT"}
    signing_input = (b64url(json.dumps(header, separators=(",", ":")).encode()) + "." +
                     b64url(json.dumps(claims, separators=(",", ":")).encode()))
    signature = key.private_key.sign(signing_input.encode(), _PSS, hashes.SHA256())
    return f"{signing_input}.{b64url(signature)}"


def verify_jwt(token: str, jwks: list[dict[str, Any]]) -> dict[str, Any]:
    """Verify a compact PS256 JWT against `jwks` and return its claims (not yet checked)."""
    parts = token.split(".")
    if len(parts) != 3:
        raise SignatureError("invalid_client", "The client assertion is not a compact JWT.")
    try:
        header = json.loads(b64url_decode(parts[0]))
        claims = json.loads(b64url_decode(parts[1]))
        raw_signature = b64url_decode(parts[2])
    except ValueError:
        raise SignatureError("invalid_client", "The client assertion is malformed.") from None
    if not isinstance(header, dict) or not isinstance(claims, dict) or header.get(
            "alg") != "PS256":
        raise SignatureError("invalid_client", "The client assertion must be a PS256 JWT.")
    matching = [jwk for jwk in jwks if jwk.get("kid") == header.get("kid")]
    if not matching:
        raise SignatureError("invalid_client", "The assertion's kid is not registered.")
    try:
        rsa_key_from_jwk(matching[0]).verify(
            raw_signature, f"{parts[0]}.{parts[1]}".encode(), _PSS, hashes.SHA256())
    except InvalidSignature:
        raise SignatureError("invalid_client", "The client assertion signature is wrong.") from None
    return claims
