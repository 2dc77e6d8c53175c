"""The platform's request-signing key for banks: detached PS256 JWS for `x-jws-signature`.

The platform is its own product and must not depend on the sandbox bank's code, so it carries
its own signer. The public JWK (kid = RFC 7638 thumbprint) is what gets registered at each bank.
"""

from __future__ import annotations

import base64
import json
import time
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

OB_CLAIMS = ("http://openbanking.org.uk/iat", "http://openbanking.org.uk/iss",
             "http://openbanking.org.uk/tan")
_PSS = padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=32)


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _int_b64(value: int) -> str:
    return _b64url(value.to_bytes((value.bit_length() + 7) // 8, "big"))


@dataclass(frozen=True)
class RequestSigner:
    """A private RSA key that signs request bodies for banks."""

    private_key: rsa.RSAPrivateKey

    @property
    def jwk(self) -> dict[str, str]:
        """The public key as a JWK, with its thumbprint as `kid`."""
        numbers = self.private_key.public_key().public_numbers()
        core = {"e": _int_b64(numbers.e), "kty": "RSA", "n": _int_b64(numbers.n)}
        digest = hashes.Hash(hashes.SHA256())
        digest.update(json.dumps(core, separators=(",", ":"), sort_keys=True).encode())
        return {**core, "kid": _b64url(digest.finalize()), "use": "sig", "alg": "PS256"}

    @classmethod
    def load_or_create(cls, path: Path) -> RequestSigner:
        """Read the PEM at `path`, creating a fresh 2048-bit key there (mode 0600) if absent."""
        if path.exists():
            key = serialization.load_pem_private_key(path.read_bytes(), password=None)
            if not isinstance(key, rsa.RSAPrivateKey):
                raise ValueError("the platform signing key must be an RSA private key")
            return cls(key)
        signer = cls(rsa.generate_private_key(public_exponent=65537, key_size=2048))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(signer.private_key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption()))
        path.chmod(0o600)
        return signer

    def sign_detached(self, body: bytes, client_id: str, trust_anchor: str) -> str:
        """`BASE64URL(header)..BASE64URL(signature)` over the exact body (b64=false)."""
        iat, iss, tan = OB_CLAIMS
        header = {"alg": "PS256", "kid": self.jwk["kid"], "typ": "JOSE",
                  "cty": "application/json", "b64": False, iat: int(time.time()),
                  iss: client_id, tan: trust_anchor, "crit": ["b64", *OB_CLAIMS]}
        encoded = _b64url(json.dumps(header, separators=(",", ":")).encode())
        signature = self.private_key.sign(encoded.encode() + b"." + body, _PSS, hashes.SHA256())
        return f"{encoded}..{_b64url(signature)}"
