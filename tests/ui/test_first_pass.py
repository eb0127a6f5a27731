"""File > New's first pass, as the editor runs it: the pipeline's stages on a worker thread, progress in
the jobs panel, the views told after each stage, and every line of a short sample ending with a take."""

import time

import pytest
from PySide6.QtWidgets import QApplication

pytestmark = [pytest.mark.gui, pytest.mark.slow, pytest.mark.timeout(1200)]


def test_the_first_pass_fills_the_project_and_reports_in_the_jobs_panel(qapp, tmp_path):
    from dubstudio.pipeline.dub import create_project
    from dubstudio.sample.make import SampleParams, make_sample
    from dubstudio.ui.session import Session

    sample = make_sample(tmp_path / "sample", SampleParams(lines=2))
    session = Session(create_project(sample.video, tmp_path / "short.dubproj", ("es",), "en"))
    announced, progress = [], []
    session.changed.connect(announced.append)
    session.jobs.changed.connect(lambda work: progress.append(work.message) if work is not None else None)
    try:
        session.start_engine()
        session.first_pass()
        deadline = time.monotonic() + 900
        while not session.jobs.rows or session.jobs.rows[0].active:
            assert time.monotonic() < deadline, "the first pass did not end"
            QApplication.processEvents()
            time.sleep(0.02)
        work = session.jobs.rows[0]
        assert (work.label, work.status) == ("First pass", "finished"), work.error
        project = session.project
        lines = project.lines()
        assert len(lines) >= 2
        assert all(project.translation(line.id, "es").chosen_take_id is not None for line in lines)
        assert any(message.startswith("synthesize + fit (es)") for message in progress)
        assert len(announced) >= 4  # at least one refresh per stage
    finally:
        session.close()
