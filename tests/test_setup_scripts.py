"""The setup finds a Python 3.10 by itself, or says clearly what it looked for."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIND = ROOT / "scripts" / "find-python.sh"


def _run(env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", str(FIND)], env=env, capture_output=True, text=True)


def test_python_variable_is_honoured():
    result = _run({"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/root"),
                   "PYTHON": sys.executable})
    assert result.returncode == 0
    assert result.stdout.strip() == sys.executable


def test_no_python_310_fails_naming_what_was_looked_for(tmp_path):
    result = _run({"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "PYTHON": "/nonexistent/python"})
    assert result.returncode == 1
    assert "no Python 3.10 found" in result.stderr
    assert "$PYTHON=/nonexistent/python" in result.stderr
    assert "python3.10 on PATH" in result.stderr
    assert str(tmp_path / ".pyenv" / "versions") in result.stderr
