"""The vault on a real database: envelope encryption, tampering, crypto-shredding, rotation."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from chatbank.connect.adapters.vault_tables import user_data_keys
from chatbank.connect.vault import KeyEncryptionKey, KeyRing, Vault, VaultError
from chatbank.core.errors import ChatbankError

OLD_SECRET = "old-test-key-encryption-secret-0123456789"
NEW_SECRET = "new-test-key-encryption-secret-9876543210"
AD = b"bank-tokens:lnk_1"


def vault(engine: AsyncEngine, setting: str = OLD_SECRET) -> Vault:
    return Vault.from_secret(engine, setting)


async def expect_code(code: str, opening: object) -> None:
    with pytest.raises(ChatbankError) as raised:
        await opening  # type: ignore[misc]
    assert raised.value.code == code


async def test_sealed_data_opens_only_for_the_same_user_and_associated_data(
        engine: AsyncEngine) -> None:
    box = vault(engine)
    sealed = await box.seal("usr_a", b"refresh-token-abc", AD)
    assert b"refresh-token-abc" not in sealed
    assert await box.open("usr_a", sealed, AD) == b"refresh-token-abc"
    await expect_code("sealed_data_invalid", box.open("usr_a", sealed, b"bank-tokens:lnk_2"))
    await expect_code("sealed_data_invalid", box.open("usr_b", sealed, AD))
    await expect_code("sealed_data_invalid", box.open("usr_a", sealed[:10], AD))


async def test_every_flipped_byte_is_detected(engine: AsyncEngine) -> None:
    box = vault(engine)
    sealed = await box.seal("usr_a", b"secret", AD)
    for index in range(len(sealed)):
        tampered = bytearray(sealed)
        tampered[index] ^= 0x01
        with pytest.raises(VaultError):
            await box.open("usr_a", bytes(tampered), AD)


async def test_each_user_has_one_data_key_stored_only_wrapped(engine: AsyncEngine) -> None:
    box = vault(engine)
    await box.seal("usr_a", b"one", AD)
    await box.seal("usr_a", b"two", AD)
    await box.seal("usr_b", b"three", AD)
    async with engine.connect() as conn:
        rows = (await conn.execute(select(user_data_keys))).all()
    assert sorted((r.user_id, r.generation) for r in rows) == [("usr_a", 1), ("usr_b", 1)]
    assert all(len(r.wrapped_key) == 12 + 32 + 16 for r in rows)


async def test_destroying_the_key_makes_every_blob_of_that_user_unreadable(
        engine: AsyncEngine) -> None:
    box = vault(engine)
    blobs = [await box.seal("usr_a", f"token {n}".encode(), AD) for n in range(3)]
    other = await box.seal("usr_b", b"bob's token", AD)
    await box.destroy_user_key("usr_a")
    for blob in blobs:
        await expect_code("data_key_destroyed", box.open("usr_a", blob, AD))
    assert await box.open("usr_b", other, AD) == b"bob's token"
    async with engine.connect() as conn:
        row = (await conn.execute(select(user_data_keys)
                                  .where(user_data_keys.c.user_id == "usr_a"))).one()
    assert row.wrapped_key is None and row.destroyed_at is not None
    # A bank linked again later gets a new key; the shredded data stays gone.
    fresh = await box.seal("usr_a", b"new token", AD)
    assert await box.open("usr_a", fresh, AD) == b"new token"
    await expect_code("data_key_destroyed", box.open("usr_a", blobs[0], AD))


async def test_concurrent_first_seals_agree_on_one_key(engine: AsyncEngine) -> None:
    box = vault(engine)
    sealed = await asyncio.gather(*(box.seal("usr_new", bytes([n]), AD) for n in range(8)))
    assert [await box.open("usr_new", s, AD) for s in sealed] == [bytes([n]) for n in range(8)]


async def test_rotation_rewraps_keys_and_keeps_data_readable(engine: AsyncEngine) -> None:
    box = vault(engine, f"a:{OLD_SECRET}")
    sealed = {user: await box.seal(user, user.encode(), AD) for user in ("usr_a", "usr_b")}
    await box.destroy_user_key("usr_b")
    new_kek = KeyEncryptionKey.derive("b", NEW_SECRET)
    assert await box.rewrap_all(new_kek) == 1  # destroyed keys stay destroyed
    assert box.keyring.current.kek_id == "b"
    only_new = vault(engine, f"b:{NEW_SECRET}")
    assert await only_new.open("usr_a", sealed["usr_a"], AD) == b"usr_a"
    await expect_code("data_key_destroyed", only_new.open("usr_b", sealed["usr_b"], AD))
    await expect_code("unknown_key_encryption_key",
                      vault(engine, f"a:{OLD_SECRET}").open("usr_a", sealed["usr_a"], AD))
    async with engine.connect() as conn:
        kek_ids = set((await conn.scalars(select(user_data_keys.c.kek_id))).all())
    assert kek_ids == {"b", "a"}  # the destroyed row keeps its old id; it holds no key


async def test_a_vault_configured_with_old_and_new_keys_reads_both(engine: AsyncEngine) -> None:
    before = await vault(engine, f"a:{OLD_SECRET}").seal("usr_a", b"old", AD)
    both = vault(engine, f"b:{NEW_SECRET},a:{OLD_SECRET}")
    assert await both.open("usr_a", before, AD) == b"old"
    await both.seal("usr_c", b"new", AD)
    async with engine.connect() as conn:
        kek = await conn.scalar(select(user_data_keys.c.kek_id)
                                .where(user_data_keys.c.user_id == "usr_c"))
    assert kek == "b"


async def test_a_wrong_key_encryption_key_cannot_unwrap(engine: AsyncEngine) -> None:
    sealed = await vault(engine, f"a:{OLD_SECRET}").seal("usr_a", b"x", AD)
    impostor = vault(engine, f"a:{NEW_SECRET}")
    await expect_code("data_key_invalid", impostor.open("usr_a", sealed, AD))


def test_the_setting_is_one_secret_or_a_list_of_ids_and_secrets() -> None:
    single = KeyRing.from_setting(OLD_SECRET)
    assert single.current.kek_id.startswith("k") and single.retired == ()
    assert KeyRing.from_setting(OLD_SECRET).current == single.current
    ring = KeyRing.from_setting(f"b:{NEW_SECRET}, a:{OLD_SECRET}")
    assert (ring.current.kek_id, [k.kek_id for k in ring.retired]) == ("b", ["a"])
    assert OLD_SECRET not in repr(ring) and "key=" not in repr(ring.current)
    for bad in ("short", f"b:{NEW_SECRET},{OLD_SECRET}", f"bad id!:{OLD_SECRET},a:{OLD_SECRET}"):
        with pytest.raises(VaultError):
            KeyRing.from_setting(bad)


async def test_a_destroyed_key_leaves_no_copy_in_the_sqlite_files(
        engine: AsyncEngine, database_url: str) -> None:
    box = vault(engine)
    await box.seal("usr_a", b"token", AD)
    async with engine.connect() as conn:
        wrapped = bytes(await conn.scalar(select(user_data_keys.c.wrapped_key)) or b"")
    await box.destroy_user_key("usr_a")
    path = Path(database_url.split("///", 1)[1])
    files = [p for p in path.parent.iterdir() if p.name.startswith(path.name)]
    assert wrapped and all(wrapped not in p.read_bytes() for p in files)
