"""The main window driven offscreen on the dubbed sample's project, with the real engine: edit a
translation, regenerate the line and see the new take arrive, undo; reopen and find the view as left."""

import time

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from dubstudio.project import Project

# the dubbed sample is made once per session: about 4 min on an idle 2-core machine
pytestmark = [pytest.mark.gui, pytest.mark.slow, pytest.mark.timeout(1800)]


def wait_until(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        QApplication.processEvents()
        time.sleep(0.01)


@pytest.fixture
def window(qapp, dubbed_sample_copy):
    from dubstudio.ui.window import MainWindow

    window = MainWindow()
    window.show()
    assert window.open_project(dubbed_sample_copy)
    yield window
    window.close()


def translation_cell(window, line_number: int):
    script = window.views["script"]
    model = script.model
    column = model.column("translation")
    return model, model.index(line_number - 1, column)


def test_edit_regenerate_and_undo_through_the_window(window):
    session = window.session
    project = session.project
    wait_until(lambda: session.engine is not None, 120, "the engine to start")
    first = project.lines()[0]
    before = project.translation(first.id, "es")
    takes_before = project.takes(first.id, "es")

    session.select([first.id])
    model, cell = translation_cell(window, 1)
    edited = "Hola, aquí el control de la misión."
    assert model.setData(cell, edited, Qt.ItemDataRole.EditRole)
    QApplication.processEvents()
    after = project.translation(first.id, "es")
    assert (after.text, after.status) == (edited, "edited")
    assert model.data(cell, Qt.ItemDataRole.DisplayRole) == edited
    assert window.actions.by_name["undo"].text().startswith("Undo Edit translation of line 1")

    window.actions.by_name["regenerate"].trigger()
    wait_until(lambda: len(project.takes(first.id, "es")) == len(takes_before) + 1, 180, "the new take")
    QApplication.processEvents()
    newest = max(project.takes(first.id, "es"), key=lambda take: take.id)
    assert newest.text == edited
    assert project.translation(first.id, "es").chosen_take_id == newest.id
    takes_panel = window.views["takes"]
    assert takes_panel.takes.topLevelItem(0).data(0, Qt.ItemDataRole.UserRole) == newest.id  # newest first
    regenerated = [work for work in session.jobs.rows if work.label.startswith("Regenerate line 1")]
    assert regenerated and regenerated[-1].status == "finished"
    # the take played before its QA: the back-transcription follows as its own job and lands on the take
    wait_until(lambda: project.take(newest.id).qa, 180, "the take's QA figures")
    assert "cer" in project.take(newest.id).qa

    window.actions.by_name["undo"].trigger()  # the last undoable edit is the translation (takes are kept)
    QApplication.processEvents()
    reverted = project.translation(first.id, "es")
    assert (reverted.text, reverted.status) == (before.text, before.status)
    assert model.data(cell, Qt.ItemDataRole.DisplayRole) == before.text
    assert len(project.takes(first.id, "es")) == len(takes_before) + 1  # nothing lost


def test_a_refused_edit_is_said_and_changes_nothing(window):
    session = window.session
    first = session.project.lines()[0]
    changes = session.run_op(lambda: session.project.retime_line(first.id, first.end, first.start))
    assert changes is None
    assert "line" in window.last_message.lower()
    assert session.project.line(first.id) == first


def test_reopening_restores_the_selection_playhead_and_zoom(qapp, dubbed_sample_copy):
    from dubstudio.ui.window import MainWindow

    window = MainWindow()
    window.open_project(dubbed_sample_copy, start_engine=False)
    lines = window.session.project.lines()
    window.session.select([lines[3].id])
    window.session.seek(lines[3].start + 4800)
    window.views["timeline"].zoom_in()
    zoom = window.views["timeline"].view_state()
    window.save_view_state()
    window.close()  # as after a crash: what was saved is what comes back

    again = MainWindow()
    again.open_project(dubbed_sample_copy, start_engine=False)
    try:
        assert again.session.selection == (lines[3].id,)
        assert again.session.playhead == lines[3].start + 4800
        assert again.views["timeline"].view_state() == zoom
    finally:
        again.close()


def test_opening_a_project_another_window_holds_says_so(qapp, dubbed_sample_copy):
    from dubstudio.ui.window import MainWindow

    holder = Project.open(dubbed_sample_copy)
    try:
        window = MainWindow()
        assert not window.open_project(dubbed_sample_copy, start_engine=False)
        assert "open in another" in window.last_message
        window.close()
    finally:
        holder.close()
