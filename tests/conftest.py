"""Shared fixtures: a temporary Prefect home, a temp warehouse, the shared real data when present."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

# Prefect must never touch the user's profile or phone home during tests.
_PREFECT_HOME = tempfile.mkdtemp(prefix="taskspace-prefect-")
os.environ.setdefault("PREFECT_HOME", _PREFECT_HOME)
os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHARED_DATA = Path(os.environ.get("TASKSPACE_SHARED_DATA", REPO.parent / "shared" / "data"))


@pytest.fixture
def db_path(tmp_path) -> str:
    """A fresh warehouse file path in tmp_path."""
    return str(tmp_path / "w.duckdb")


@pytest.fixture
def con(db_path):
    """An open, migrated connection to a fresh warehouse file."""
    from warehouse import connect
    c = connect(db_path)
    yield c
    c.close()


@pytest.fixture
def shared_data() -> Path:
    """../shared/data, or skip the test with the reason."""
    if not (SHARED_DATA / "README.md").exists():
        pytest.skip(f"real data not found at {SHARED_DATA}")
    return SHARED_DATA


@pytest.fixture(scope="session")
def prefect_harness():
    """One temporary Prefect API/database for the whole session (flows run against it)."""
    from prefect.testing.utilities import prefect_test_harness
    with prefect_test_harness():
        yield


@pytest.fixture(scope="session")
def small(tmp_path_factory) -> dict:
    """The small real selection warehouse (MMLU-Pro and RouterBench subsets, refreshed), built once per session."""
    from selection_warehouse import build, shared_or_skip
    return build(tmp_path_factory.getbasetemp() / "selection", shared_or_skip())


@pytest.fixture(scope="session")
def published(small, tmp_path_factory) -> dict:
    """Its first publication (`taskspace publish --no-flow --json` output)."""
    from selection_warehouse import publish_once
    return publish_once(small, tmp_path_factory.getbasetemp() / "selection" / "pub1")
