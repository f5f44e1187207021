"""Shared fixtures of the carefund Python tests.

The suite runs from `cargo test` (crates/carefund-cli/tests/python.rs), which installs
the package in a fresh virtual environment and passes the command-line binary it built
in CAREFUND_CLI; it can also be run by hand on an installed package.
"""

import os
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "data"
SWINDON = DATA / "scenarios" / "swindon-2015.toml"


@pytest.fixture
def swindon_text() -> str:
    return SWINDON.read_text(encoding="utf-8")


@pytest.fixture
def cli():
    """Runs the `carefund` command (the binary named by CAREFUND_CLI)."""
    binary = os.environ.get("CAREFUND_CLI")
    if not binary:
        if os.environ.get("CI"):
            pytest.fail("CAREFUND_CLI is not set: CI runs this suite through `cargo test`")
        pytest.skip("CAREFUND_CLI (the carefund binary) is not set")

    def run(*args: str) -> subprocess.CompletedProcess:
        done = subprocess.run([binary, *args], capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        return done

    return run
