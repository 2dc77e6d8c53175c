"""The token vault: envelope encryption with a per-user data key, and crypto-shredding.

Every user gets a random 256-bit data key; bank tokens and cached bank data are sealed with it
(AES-256-GCM). The data key is stored only wrapped (AES-256-GCM) by a key-encryption key (KEK)
derived from `CHATBANK_KEY_ENCRYPTION_KEY`. Destroying a user's data key makes every blob sealed
with it unreadable for good (`data_key_destroyed`), wherever copies of the blobs went.

`CHATBANK_KEY_ENCRYPTION_KEY` is either one secret, or for rotation a comma-separated list of
``id:secret`` with the current KEK first: ``"2026b:<new secret>,2026a:<old secret>"``. Rotate by
deploying that list everywhere, then calling `rewrap_all` once; then drop the old entry.
"""

from __future__ import annotations

import hashlib
import os
import re
import struct
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from chatbank.connect.adapters.vault_tables import SqlDataKeys, StoredDataKey
from chatbank.core.clock import Clock, SystemClock
from chatbank.core.errors import ChatbankError

FORMAT_VERSION = 1
_HEADER = struct.Struct(">BI")  # format version, data-key generation
_NONCE_BYTES = 12
_TAG_BYTES = 16
_KEK_ID = re.compile(r"^[A-Za-z0-9_.-]{1,32}$")
REWRAP_BATCH = 200


class VaultError(ChatbankError):
    """Sealed data cannot be opened (destroyed key, tampering, wrong context) or keys are bad."""


def _invalid() -> VaultError:
    return VaultError("sealed_data_invalid",
                      "The sealed data was altered or belongs to another context.")


@dataclass(frozen=True, slots=True)
class KeyEncryptionKey:
    """A 256-bit KEK with a short public id recorded next to every key it wraps."""

    kek_id: str
    key: bytes

    def __post_init__(self) -> None:
        if not _KEK_ID.match(self.kek_id) or len(self.key) != 32:
            raise VaultError("invalid_key_encryption_key",
                             "A KEK needs an id of 1-32 letters/digits and 32 bytes of key.")

    @classmethod
    def derive(cls, kek_id: str, secret: str) -> KeyEncryptionKey:
        """Derive the KEK from a configured secret (HKDF-SHA256)."""
        if len(secret) < 16:
            raise VaultError("invalid_key_encryption_key",
                             "The key-encryption secret must be at least 16 characters.")
        hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"chatbank-kek-v1",
                    info=b"key-encryption-key")
        return cls(kek_id, hkdf.derive(secret.encode()))

    def __repr__(self) -> str:  # never print key material
        return f"KeyEncryptionKey({self.kek_id!r})"


@dataclass(frozen=True, slots=True)
class KeyRing:
    """The current KEK (wraps new keys) and retired ones (still unwrap old keys)."""

    current: KeyEncryptionKey
    retired: tuple[KeyEncryptionKey, ...] = ()

    @classmethod
    def from_setting(cls, value: str) -> KeyRing:
        """Parse `CHATBANK_KEY_ENCRYPTION_KEY`: one secret, or ``id:secret,id:secret`` (current
        first)."""
        entries = [part.strip() for part in value.split(",") if part.strip()]
        if len(entries) == 1 and ":" not in entries[0]:
            secret = entries[0]
            kek_id = "k" + hashlib.sha256(b"kek-id:" + secret.encode()).hexdigest()[:8]
            return cls(KeyEncryptionKey.derive(kek_id, secret))
        keks = []
        for entry in entries:
            kek_id, sep, secret = entry.partition(":")
            if not sep:
                raise VaultError("invalid_key_encryption_key",
                                 "With several KEKs, write each as id:secret.")
            keks.append(KeyEncryptionKey.derive(kek_id, secret))
        if not keks:
            raise VaultError("invalid_key_encryption_key", "No key-encryption key configured.")
        return cls(keks[0], tuple(keks[1:]))

    def by_id(self, kek_id: str) -> KeyEncryptionKey:
        for kek in (self.current, *self.retired):
            if kek.kek_id == kek_id:
                return kek
        raise VaultError("unknown_key_encryption_key",
                         f"Data keys are wrapped by KEK {kek_id!r}, which is not configured; "
                         "add it to CHATBANK_KEY_ENCRYPTION_KEY as a retired key.")

    def with_current(self, kek: KeyEncryptionKey) -> KeyRing:
        """This ring with `kek` as current and every other key retired."""
        others = [k for k in (self.current, *self.retired) if k.kek_id != kek.kek_id]
        return KeyRing(kek, tuple(others))


def _wrap_context(user_id: str, generation: int, kek_id: str) -> bytes:
    return f"chatbank-data-key-v1\x00{user_id}\x00{generation}\x00{kek_id}".encode()


def _seal_context(user_id: str, header: bytes, associated_data: bytes) -> bytes:
    return b"chatbank-seal-v1\x00" + user_id.encode() + b"\x00" + header + associated_data


def _wrap(kek: KeyEncryptionKey, user_id: str, generation: int, data_key: bytes) -> bytes:
    nonce = os.urandom(_NONCE_BYTES)
    context = _wrap_context(user_id, generation, kek.kek_id)
    return nonce + AESGCM(kek.key).encrypt(nonce, data_key, context)


def _unwrap(ring: KeyRing, stored: StoredDataKey) -> bytes:
    if stored.wrapped_key is None:
        raise _destroyed()
    kek = ring.by_id(stored.kek_id)
    wrapped = bytes(stored.wrapped_key)
    context = _wrap_context(stored.user_id, stored.generation, stored.kek_id)
    try:
        return AESGCM(kek.key).decrypt(wrapped[:_NONCE_BYTES], wrapped[_NONCE_BYTES:], context)
    except InvalidTag:
        raise VaultError("data_key_invalid",
                         "A stored data key does not match its KEK; it was altered.") from None


def _destroyed() -> VaultError:
    return VaultError("data_key_destroyed",
                      "This data was sealed with a key that has been destroyed; it is gone.")


class Vault:
    """Seals and opens a user's data; destroys a user's key; re-wraps keys on KEK rotation."""

    def __init__(self, engine: AsyncEngine, keyring: KeyRing, clock: Clock | None = None) -> None:
        self.engine = engine
        self.keyring = keyring
        self.clock = clock or SystemClock()

    @classmethod
    def from_secret(cls, engine: AsyncEngine, key_encryption_key: str,
                    clock: Clock | None = None) -> Vault:
        """A vault for the `CHATBANK_KEY_ENCRYPTION_KEY` value `key_encryption_key`."""
        return cls(engine, KeyRing.from_setting(key_encryption_key), clock)

    async def seal(self, user_id: str, plaintext: bytes, associated_data: bytes) -> bytes:
        """Encrypt `plaintext` for `user_id`, bound to `associated_data` (say what it is)."""
        generation, data_key = await self._live_data_key(user_id)
        header = _HEADER.pack(FORMAT_VERSION, generation)
        nonce = os.urandom(_NONCE_BYTES)
        context = _seal_context(user_id, header, associated_data)
        return header + nonce + AESGCM(data_key).encrypt(nonce, plaintext, context)

    async def open(self, user_id: str, sealed: bytes, associated_data: bytes) -> bytes:
        """Decrypt what `seal` produced for the same user and associated data."""
        if len(sealed) < _HEADER.size + _NONCE_BYTES + _TAG_BYTES:
            raise _invalid()
        header = bytes(sealed[:_HEADER.size])
        version, generation = _HEADER.unpack(header)
        if version != FORMAT_VERSION:
            raise _invalid()
        async with self.engine.connect() as conn:
            stored = await SqlDataKeys(conn).key(user_id, generation)
        if stored is None:
            raise _invalid()
        data_key = _unwrap(self.keyring, stored)
        nonce = bytes(sealed[_HEADER.size:_HEADER.size + _NONCE_BYTES])
        context = _seal_context(user_id, header, associated_data)
        try:
            return AESGCM(data_key).decrypt(nonce, bytes(sealed[_HEADER.size + _NONCE_BYTES:]),
                                            context)
        except InvalidTag:
            raise _invalid() from None

    async def destroy_user_key(self, user_id: str) -> None:
        """Crypto-shred: every blob sealed so far for `user_id` becomes `data_key_destroyed`.

        A later `seal` starts a fresh key generation (e.g. for a bank linked again)."""
        sqlite = self.engine.dialect.name == "sqlite"
        async with self.engine.begin() as conn:
            if sqlite:  # overwrite freed pages instead of leaving old key bytes in the file
                await conn.exec_driver_sql("PRAGMA secure_delete = ON")
            await SqlDataKeys(conn).destroy_all(user_id, self.clock.now())
        if sqlite:  # and move the overwritten pages out of the write-ahead log
            async with self.engine.connect() as conn:
                await conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")

    async def rewrap_all(self, new_kek: KeyEncryptionKey) -> int:
        """Re-wrap every live data key under `new_kek` (data stays readable); returns the count.

        Afterwards this vault wraps new keys with `new_kek`; old KEKs stay usable until removed.
        """
        ring = self.keyring.with_current(new_kek)
        rewrapped = 0
        while True:
            async with self.engine.begin() as conn:
                keys = SqlDataKeys(conn)
                batch = await keys.live_keys_not_under(new_kek.kek_id, REWRAP_BATCH)
                for stored in batch:
                    data_key = _unwrap(ring, stored)
                    wrapped = _wrap(new_kek, stored.user_id, stored.generation, data_key)
                    rewrapped += await keys.rewrap(stored, new_kek.kek_id, wrapped)
            if len(batch) < REWRAP_BATCH:
                break
        self.keyring = ring
        return rewrapped

    async def _live_data_key(self, user_id: str) -> tuple[int, bytes]:
        for _attempt in range(3):
            try:
                async with self.engine.begin() as conn:
                    return await self._live_or_new_key(SqlDataKeys(conn), user_id)
            except IntegrityError:  # another instance created it first: use theirs
                continue
        raise VaultError("data_key_unavailable", "Could not create a data key; try again.")

    async def _live_or_new_key(self, keys: SqlDataKeys, user_id: str) -> tuple[int, bytes]:
        stored = await keys.live_key(user_id)
        if stored is not None:
            return stored.generation, _unwrap(self.keyring, stored)
        generation = await keys.next_generation(user_id)
        data_key = AESGCM.generate_key(bit_length=256)
        kek = self.keyring.current
        wrapped = _wrap(kek, user_id, generation, data_key)
        await keys.insert(StoredDataKey(user_id, generation, kek.kek_id, wrapped),
                          self.clock.now())
        return generation, data_key
