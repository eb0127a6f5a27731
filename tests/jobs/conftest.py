"""One local engine (a real LocalCluster) shared by the job bus tests; no process outlives it."""

import psutil
import pytest
from jobtools import CRASH_TRIES, assert_all_gone, descendants

from dubstudio.jobs import Engine


@pytest.fixture(scope="session")
def engine():
    started = Engine.local(crash_tries=CRASH_TRIES)
    started.wait_for_workers(1, timeout=60)
    yield started
    before = descendants(psutil.Process())
    started.close()
    assert_all_gone(before)


@pytest.fixture
def journal(tmp_path):
    from sqlite_journal import SQLiteJournal

    return SQLiteJournal(tmp_path / "journal.sqlite")
