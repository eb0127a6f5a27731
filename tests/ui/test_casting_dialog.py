"""The casting dialog on a dubbed sample: its speakers and the voices they can have; casting a voice is one
undoable operation that queues the speaker's lines; a clone needs a consent recorded first; similarity and
previews come from the engine, and a preview stores nothing."""

import time

import pytest
from dubbed_sample import dubbed_sample
from dubstudio.ui.casting import CastingDialog
from dubstudio.ui.casting.consent import ConsentDialog
from dubstudio.ui.casting.dialog import CAST_ONLY, REGENERATE
from dubstudio.ui.casting.similarity import SimilarityCache
from dubstudio.ui.session import Session
from PySide6.QtWidgets import QApplication, QMessageBox

from dubstudio.project import Project

pytestmark = [pytest.mark.gui, pytest.mark.slow]  # slow: the sample is dubbed by the real pipeline once

XTTS_FILES = ("config.json", "model.pth", "vocab.json")  # what the registry's check looks for


@pytest.fixture
def session(qapp, tmp_path):
    session = Session(Project.open(dubbed_sample(tmp_path)))
    session.queued = []  # regeneration requests (the engine is not started in these tests)
    session.regenerate = lambda ids, language=None: session.queued.append((list(ids), language))
    yield session
    session.close()


@pytest.fixture
def dialog(session, tmp_path):
    dialog = CastingDialog(session, cache=SimilarityCache(tmp_path))
    dialog.show()
    yield dialog
    dialog.close()


def rows(table, column: int) -> list[str]:
    return [table.item(row, column).text() for row in range(table.rowCount())]


def clicked(box: QMessageBox, text: str) -> None:
    next(button for button in box.buttons() if button.text() == text).click()


def test_it_lists_the_speakers_and_the_voices_they_can_have(session, dialog):
    project = session.project
    speakers = project.speakers()
    assert rows(dialog.speakers, 1) == [speaker.name for speaker in speakers]
    lines = project.lines()
    assert rows(dialog.speakers, 2) == [str(sum(line.speaker_id == s.id for line in lines)) for s in speakers]
    voices = {voice.id: voice.name for voice in project.voices()}
    assert rows(dialog.speakers, 3) == [voices[project.casting("es")[s.id]] for s in speakers]
    listed = rows(dialog.voices, 0)
    assert set(voices.values()) <= set(listed)  # automatic casting's voices, blends included
    for stock in ("kokoro: jf_alpha", "kokoro: jm_kumo", "espeak-ng: default"):
        assert stock in listed
    assert "piper: en_US-joe-medium" not in listed  # Piper speaks English only
    assert not any("Clone" in name for name in listed)  # no XTTS-v2 folder set
    assert dialog.line.count() == sum(line.speaker_id == speakers[0].id for line in lines)
    assert not dialog.player.playing
    dialog.speakers.cellWidget(0, 0).click()  # the speaker's reference audio
    assert dialog.player.playing


def test_casting_a_voice_is_one_undoable_operation_that_queues_the_speakers_lines(session, dialog):
    project = session.project
    speaker = project.speakers()[0]
    before = project.casting("es")[speaker.id]
    dialog.select_voice("kokoro: jf_alpha")
    box = dialog.apply()
    assert "Regenerating" in box.informativeText() and "typical for this voice" in box.informativeText()
    clicked(box, REGENERATE)
    cast = project.casting("es")[speaker.id]
    assert cast != before and next(v for v in project.voices() if v.id == cast).name == "kokoro: jf_alpha"
    assert project.undo_status().undo == f"Cast kokoro: jf_alpha as {speaker.name} (es)"
    own = [line.id for line in project.lines() if line.speaker_id == speaker.id]
    assert session.queued == [(own, "es")] and len(own) == 2
    assert dialog.last_estimate.lines == 2 and dialog.last_estimate.seconds > 0
    assert rows(dialog.speakers, 3)[0] == "kokoro: jf_alpha"
    session.undo()
    assert project.casting("es")[speaker.id] == before
    assert rows(dialog.speakers, 3)[0] != "kokoro: jf_alpha"
    dialog.select_voice("kokoro: jm_kumo")
    clicked(dialog.apply(), CAST_ONLY)
    assert len(session.queued) == 1  # cast only: nothing more queued


def test_a_clone_needs_a_recorded_consent_before_it_is_cast(session, tmp_path, qapp):
    folder = tmp_path / "xtts"
    folder.mkdir()
    for name in XTTS_FILES:
        (folder / name).write_text("{}")
    session.options.xtts = str(folder)
    dialog = CastingDialog(session, cache=SimilarityCache(tmp_path))
    dialog.show()
    project = session.project
    speaker = project.speakers()[0]
    clone = f"xtts: clone of {speaker.name}"
    dialog.select_voice(clone)
    assert dialog.apply() is None  # the consent form comes first
    form = dialog.findChild(ConsentDialog)
    assert form is not None and form.isVisible()
    assert "has no consent on record" in form.reason.text()  # the core's refusal, shown
    voice = next(v for v in project.voices() if v.kind == "clone")
    assert not voice.has_consent and project.casting("es")[speaker.id] != voice.id
    form.accept()  # nothing filled in: refused, said, nothing recorded
    assert form.isVisible() and "person" in form.problem.text() and project.consents(voice.id) == []
    form.person.setText("Daniel Example")
    form.evidence.setText("consent-forms/daniel-2026-11-21.pdf")
    form.accept()
    qapp.processEvents()
    [record] = project.consents(voice.id)
    assert record.person == "Daniel Example" and "Synthetic dubbing" in record.scope
    box = next(w for w in dialog.findChildren(QMessageBox) if w.isVisible())
    clicked(box, CAST_ONLY)
    assert project.casting("es")[speaker.id] == voice.id
    assert f"Clone of {speaker.name} (XTTS-v2) — consent recorded" in rows(dialog.voices, 0)
    dialog.close()


def wait_until(condition, timeout: float) -> None:
    app, end = QApplication.instance(), time.monotonic() + timeout
    while not condition() and time.monotonic() < end:
        app.processEvents()
        time.sleep(0.05)
    assert condition(), "timed out"


def test_similarity_and_a_preview_come_from_the_engine_and_store_nothing(qapp, tmp_path):
    session = Session(Project.open(dubbed_sample(tmp_path)))
    session.start_engine()
    cache = SimilarityCache(tmp_path / "similarity")
    (tmp_path / "similarity").mkdir()
    dialog = CastingDialog(session, cache=cache)
    dialog.show()
    project = session.project
    try:
        wait_until(lambda: session.jobs.rows and not any(w.active for w in session.jobs.rows), 600)
        # the similarity job, and the session's warm-up of the project's voices
        assert [w.status for w in session.jobs.rows] == ["finished"] * 2, [w.error for w in session.jobs.rows]
        scores = dialog.scores()
        assert set(scores) == {c.key for c in dialog.candidates}
        assert all(-1 <= value <= 1 for value in scores.values())
        listed = [float(text) for text in rows(dialog.voices, 2)]
        assert listed == sorted(listed, reverse=True)  # most similar first
        assert list(cache.folder.glob("*.json")), "the scores were not kept"
        takes = sum(len(project.takes(line.id, "es")) for line in project.lines())
        dialog.select_voice("kokoro: jf_tebukuro")
        dialog.preview()
        wait_until(lambda: len(session.jobs.rows) == 3 and not session.jobs.rows[2].active, 600)
        assert session.jobs.rows[2].status == "finished", session.jobs.rows[2].error
        assert dialog.measured["kokoro: jf_tebukuro"] > 0 and "Preview of line" in dialog.status.text()
        assert sum(len(project.takes(line.id, "es")) for line in project.lines()) == takes
        assert project.jobs.unfinished() == []
        box = dialog.apply()
        assert "measured on this voice's preview" in box.informativeText()
        box.reject()
    finally:
        dialog.close()
        session.close()
