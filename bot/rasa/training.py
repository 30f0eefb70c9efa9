"""Train the Rasa model only when its inputs changed.

The fingerprint is a hash of config.yml, domain.yml and every file under data/ (plus the
Rasa version): content, not timestamps, so a fresh clone trains once and later runs reuse
``models/dpa.tar.gz``. Training runs Rasa's own CLI in a child process so this package never
imports TensorFlow.
"""
from __future__ import annotations

import hashlib
import subprocess
import sys
from importlib import metadata
from pathlib import Path

from bot.config import PROJECT_ROOT

MODEL_NAME = "dpa"
TRAINING_INPUTS = ("config.yml", "domain.yml", "data")


def training_fingerprint(root: Path = PROJECT_ROOT) -> str:
    """Hash of everything that changes what `rasa train` produces."""
    digest = hashlib.sha256()
    try:
        digest.update(metadata.version("rasa").encode())
    except metadata.PackageNotFoundError:
        digest.update(b"rasa-missing")
    for name in TRAINING_INPUTS:
        path = root / name
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for file in files:
            if not file.exists():
                continue
            digest.update(str(file.relative_to(root)).encode())
            digest.update(b"\0")
            digest.update(file.read_bytes())
            digest.update(b"\0")
    return digest.hexdigest()


def model_path(model_dir: Path) -> Path:
    return model_dir / f"{MODEL_NAME}.tar.gz"


def _stamp_path(model_dir: Path) -> Path:
    return model_dir / f"{MODEL_NAME}.fingerprint"


def stamp_path(model_dir: Path) -> Path:
    """The file holding the fingerprint of the data ``models/dpa.tar.gz`` was trained on
    (a console deploy writes it with the model it installs)."""
    return _stamp_path(model_dir)


def model_is_current(model_dir: Path, root: Path = PROJECT_ROOT) -> bool:
    stamp = _stamp_path(model_dir)
    return (
        model_path(model_dir).exists()
        and stamp.exists()
        and stamp.read_text().strip() == training_fingerprint(root)
    )


def ensure_trained(model_dir: Path, *, force: bool = False, root: Path = PROJECT_ROOT) -> bool:
    """Train when the inputs changed (or ``force``); return whether training ran.

    Raises CalledProcessError when Rasa's training fails, leaving the previous model and
    stamp untouched so a broken change never masquerades as trained.
    """
    if not force and model_is_current(model_dir, root):
        return False
    fingerprint = training_fingerprint(root)
    model_dir.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            sys.executable, "-m", "rasa", "train",
            "--config", str(root / "config.yml"),
            "--domain", str(root / "domain.yml"),
            "--data", str(root / "data"),
            "--out", str(model_dir),
            "--fixed-model-name", MODEL_NAME,
        ],
        cwd=root,
        check=True,
    )
    _stamp_path(model_dir).write_text(fingerprint + "\n")
    return True
