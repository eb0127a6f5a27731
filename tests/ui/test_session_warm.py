"""Opening a project warms the engine: the voices it casts and the ASR its checks use load behind any
work already asked for, shown in the jobs panel, and the next regenerate renders with that very model."""

import time

import pytest
from dubbed_sample import dubbed_sample
from dubstudio.ui.session import Session
from PySide6.QtWidgets import QApplication

from dubstudio.project import Project

pytestmark = [pytest.mark.gui, pytest.mark.slow]  # slow: the sample is dubbed by the real pipeline once


def wait_until(condition, timeout: float) -> None:
    end = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < end, "timed out"
        QApplication.processEvents()
        time.sleep(0.05)


def cached(session) -> dict[str, int]:
    (worker,) = session.engine.status().workers
    return {model["name"]: model["hits"] for model in worker.models}


def test_the_project_voices_load_when_the_engine_starts_and_regenerate_uses_them(qapp, tmp_path):
    session = Session(Project.open(dubbed_sample(tmp_path)))
    try:
        session.start_engine()
        wait_until(lambda: session.jobs.rows and not session.jobs.rows[0].active, 600)
        (warm,) = session.jobs.rows
        assert (warm.label, warm.status) == ("Load the voice models", "finished"), warm.error
        assert set(warm.handle.result(timeout=10)) == {"kokoro", "whisper-base"}
        before = cached(session)
        assert {"kokoro", "whisper-base"} <= set(before)

        line = session.project.lines()[0]
        takes = len(session.project.takes(line.id, "es"))
        session.regenerate([line.id], "es")
        wait_until(lambda: len(session.project.takes(line.id, "es")) > takes, 300)
        after = cached(session)
        assert after["kokoro"] > before["kokoro"]  # the warmed runner rendered the take
        assert set(after) - set(before) <= {"voices:embedded"}  # and no second Kokoro was loaded
    finally:
        session.close()
