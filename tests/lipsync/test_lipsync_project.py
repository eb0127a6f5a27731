"""Lip-sync results in the project file: schema 2 and its migration, storage, staleness."""

import sqlite3

import numpy as np
import pytest

from dubstudio.project import InvalidEditError, NewLine, Project, migrations, schema, schema_version

RATE = 48_000
SCORES = {"score_before": 0.1, "score_after": 0.6, "changed": 40, "skipped": {"no face": [3, 4]}}


def tone(seconds: float) -> np.ndarray:
    return (0.2 * np.sin(np.arange(int(seconds * RATE)) * 0.05)).astype(np.float32)


def fill(project: Project) -> tuple[int, int]:
    project.add_lines([NewLine(RATE, 3 * RATE, "Hello there."), NewLine(4 * RATE, 6 * RATE, "Bye now.")])
    first, second = (line.id for line in project.lines())
    project.set_machine_translations("es", {first: "Hola.", second: "Adiós."})
    project.add_take(first, "es", tone(1.5), RATE, text="Hola.", backend="kokoro", fit={"offset": -2400})
    project.add_take(second, "es", tone(1.0), RATE, text="Adiós.", backend="kokoro")
    return first, second


@pytest.fixture
def project(tmp_path):
    with Project.create(tmp_path / "p.dubproj", source_language="en", target_languages=["es", "fr"],
                        frame_rate=25) as project:
        fill(project)
        yield project


def keep(project: Project, line_id: int, **changes):
    take_id = project.translation(line_id, "es").chosen_take_id
    line = project.line(line_id)
    values = {"take_id": take_id, "dub_start": line.start + project.take(take_id).fit.get("offset", 0),
              "method": "embedded", "frames": (23, 76), "segment_key": "abc123", "scores": SCORES} | changes
    return project.set_lipsync(line_id, "es", **values)


def test_a_schema_1_project_is_upgraded_to_hold_lip_sync_results(tmp_path, monkeypatch):
    path = tmp_path / "old.dubproj"
    with monkeypatch.context() as patch:
        patch.setattr(migrations, "MIGRATIONS", [schema.V1])
        with Project.create(path, source_language="en", target_languages=["es"], frame_rate=25) as old:
            fill(old)
            assert old._db.conn.execute("PRAGMA user_version").fetchone()[0] == 1
    assert schema_version() == 2
    with Project.open(path) as project:
        conn = project._db.conn
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 2
        assert {row[1] for row in conn.execute("PRAGMA table_info(lipsync)")} >= {
            "line_id", "language", "take_id", "method", "first_frame", "end_frame", "segment_key", "scores"}
        assert len(project.lines()) == 2 and project.lipsyncs("es") == {}
        line = project.lines()[0]
        keep(project, line.id)
        assert project.lipsync(line.id, "es").scores == SCORES
    backups = list(tmp_path.glob("old.dubproj.schema1-*.bak"))
    assert len(backups) == 1
    backup = sqlite3.connect(backups[0])
    assert backup.execute("SELECT count(*) FROM sqlite_master WHERE name = 'lipsync'").fetchone()[0] == 0
    backup.close()


def test_a_result_is_stored_read_back_and_reported_but_not_undoable(project):
    line = project.lines()[0]
    take_id = project.translation(line.id, "es").chosen_take_id
    undo_before = project.undo_status()
    changes = keep(project, line.id, params={"folder": None})
    assert changes.lipsync == {(line.id, "es")} and not changes.translations and not changes.takes
    assert project.undo_status() == undo_before
    found = project.lipsync(line.id, "es")
    assert (found.take_id, found.dub_start, found.method) == (take_id, line.start - 2400, "embedded")
    assert (found.first_frame, found.end_frame, found.segment_key) == (23, 76, "abc123")
    assert found.scores == SCORES and found.params == {"folder": None} and not found.stale
    assert project.lipsync(line.id, "fr") is None
    assert list(project.lipsyncs("es")) == [line.id]


def test_a_new_result_replaces_the_line_s_earlier_one(project):
    first, second = project.lines()
    keep(project, second.id, frames=(100, 150), segment_key="second")
    keep(project, first.id)
    keep(project, first.id, method="wav2lip", frames=(20, 80), segment_key="again", params={"folder": "/m"})
    results = project.lipsyncs("es")
    assert list(results) == [first.id, second.id]  # in frame order
    assert (results[first.id].method, results[first.id].segment_key) == ("wav2lip", "again")
    assert results[first.id].first_frame == 20
    assert project._db.conn.execute("SELECT count(*) FROM lipsync").fetchone()[0] == 2


def test_a_result_is_stale_once_the_chosen_take_changes_or_the_line_moves(project):
    line = project.lines()[0]
    keep(project, line.id)
    old_take = project.translation(line.id, "es").chosen_take_id
    new_take = project.add_take(line.id, "es", tone(1.2), RATE, text="Hola.", backend="kokoro", choose=True)
    assert project.lipsync(line.id, "es").stale
    project.choose_take(old_take)
    assert not project.lipsync(line.id, "es").stale
    project.retime_line(line.id, line.start + 4800, line.end + 4800)
    assert project.lipsync(line.id, "es").stale
    project.undo()
    assert not project.lipsync(line.id, "es").stale
    assert new_take != old_take


def test_a_merged_away_line_has_no_result_in_the_script(project):
    first, second = project.lines()
    keep(project, second.id, frames=(100, 150))
    project.merge_lines(first.id, second.id)
    assert project.lipsync(second.id, "es") is None and second.id not in project.lipsyncs("es")


@pytest.mark.parametrize("changes, message", [
    ({"frames": (50, 50)}, "cannot cover frames 50 to 50"),
    ({"frames": (-1, 10)}, "cannot cover frames -1"),
    ({"take_id": 10_000}, "is not one of the es takes of line 1"),
])
def test_bad_results_are_refused_in_one_sentence(project, changes, message):
    line = project.lines()[0]
    with pytest.raises(InvalidEditError, match=message):
        keep(project, line.id, **changes)
    assert project.lipsync(line.id, "es") is None


def test_the_take_of_another_line_or_language_is_refused(project):
    first, second = project.lines()
    other = project.translation(second.id, "es").chosen_take_id
    with pytest.raises(InvalidEditError, match="not one of the es takes of line 1"):
        keep(project, first.id, take_id=other)
    with pytest.raises(InvalidEditError, match="not a target language"):
        project.set_lipsync(first.id, "de", take_id=other, dub_start=0, method="embedded", frames=(0, 5),
                            segment_key="k", scores={})
