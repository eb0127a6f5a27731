"""Undo and redo: every operation round-trips, also after closing and reopening the project."""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dubstudio.project import InvalidEditError, OpChanges, Project, UndoConflictError, history

RATE = 48_000


def line(project, number):
    return project.lines()[number - 1].id


def speaker(project, name):
    return next(s.id for s in project.speakers() if s.name == name)


def voice(project, name):
    return next(v.id for v in project.voices() if v.name == name)


def take(project, number, language, ordinal):
    return project.takes(line(project, number), language)[ordinal - 1].id


def cast_clone(project):
    clone = voice(project, "Alice (clone)")
    project.record_consent(clone, person="Alice", scope="this film", evidence="signed form")
    return project.cast_voice(speaker(project, "Alice"), "es", clone)


OPERATIONS = {
    "edit translation": (lambda p: p.edit_translation(line(p, 1), "es", "¡Hola!"), "Edit translation of line 1 (es)"),
    "edit new translation": (lambda p: p.edit_translation(line(p, 4), "fr", "Bon."), "Edit translation of line 4 (fr)"),
    "approve": (lambda p: p.approve([line(p, 1), line(p, 3)], "es"), "Approve 2 lines (es)"),
    "retime": (lambda p: p.retime_line(line(p, 2), 12 * RATE, 13 * RATE), "Retime line 2"),
    "split": (lambda p: p.split_line(line(p, 1), RATE), "Split line 1"),
    "split with translations": (lambda p: p.split_line(line(p, 1), RATE, 6, {"es": 5}), "Split line 1"),
    "merge": (lambda p: p.merge_lines(line(p, 1), line(p, 2)), "Merge lines 1 and 2"),
    "reassign speaker": (lambda p: p.reassign_speaker([line(p, 3)], speaker(p, "Alice")), "Assign line 3 to Alice"),
    "choose take": (lambda p: p.choose_take(take(p, 1, "es", 2)), "Choose take 2 of line 1 (es)"),
    "fit strategy": (lambda p: p.set_fit_strategy([line(p, 1), line(p, 4)], "es", "borrow"),
                     "Set fit strategy of 2 lines to borrow (es)"),
    "cast voice": (lambda p: p.cast_voice(speaker(p, "Alice"), "fr", voice(p, "Kokoro Ana")),
                   "Cast Kokoro Ana as Alice (fr)"),
    "recast voice": (cast_clone, "Cast Alice (clone) as Alice (es)"),
    "uncast voice": (lambda p: p.cast_voice(speaker(p, "Bob"), "es", None), "Uncast Bob (es)"),
    "add glossary entry": (lambda p: p.set_glossary_entry("fr", "friend", "ami"), "Add glossary entry 'friend' (fr)"),
    "edit glossary entry": (lambda p: p.set_glossary_entry("es", "friend", "amiga", "female"),
                            "Edit glossary entry 'friend' (es)"),
    "remove glossary entry": (lambda p: p.remove_glossary_entry(p.glossary("es")[0].id),
                              "Remove glossary entry 'friend' (es)"),
}


@pytest.mark.parametrize("name", OPERATIONS)
def test_every_operation_undoes_and_redoes_also_after_reopening(tmp_path, project_at, snapshot, name):
    operation, label = OPERATIONS[name]
    path = tmp_path / "undo.dubproj"
    project = project_at(path)
    before = snapshot(project)
    changes = operation(project)
    after = snapshot(project)
    assert changes and after != before
    assert project.undo_status().undo == label

    assert project.undo() == changes
    assert snapshot(project) == before
    assert project.undo_status().redo == label
    assert project.redo() == changes
    assert snapshot(project) == after

    project.close()
    with Project.open(path) as project:
        assert project.undo_status().undo == label
        project.undo()
        assert snapshot(project) == before
        project.close()
    with Project.open(path) as project:
        assert project.undo_status().redo == label
        project.redo()
        assert snapshot(project) == after


def test_nothing_to_undo_or_redo(tmp_path):
    with Project.create(tmp_path / "empty.dubproj", source_language="en", target_languages=["es"],
                        frame_rate=25) as project:
        assert project.undo_status().undo is None and project.undo_status().redo is None
        assert project.undo() == OpChanges()
        assert project.redo() == OpChanges()


def test_job_results_are_not_on_the_undo_stack(project):
    first = line(project, 1)
    project.edit_translation(first, "es", "Hola.")
    project.set_machine_translations("es", {line(project, 4): "Bueno."})
    assert project.undo_status().undo == "Edit translation of line 1 (es)"
    project.undo()
    assert project.translation(line(project, 4), "es").text == "Bueno."


def test_a_new_action_ends_the_redo_stack(project):
    project.edit_translation(line(project, 1), "es", "Uno.")
    project.undo()
    assert project.undo_status().redo is not None
    project.edit_translation(line(project, 2), "es", "Dos.")
    assert project.undo_status().redo is None


def test_undo_that_would_overwrite_a_job_result_is_refused_and_dropped(project, make_tone):
    first = line(project, 1)
    takes = project.takes(first, "es")
    project.edit_translation(first, "es", "Hola, amiga.")
    project.choose_take(takes[1].id)
    # a regenerate the user asked for arrives and is chosen: a job result, not an undoable action
    newest = project.add_take(first, "es", make_tone(0.7), 24_000, text="Hola, amiga.", backend="kokoro",
                              choose=True)
    with pytest.raises(UndoConflictError, match="Cannot undo “Choose take 2 of line 1 \\(es\\)” because the es "
                                                "translation of line 1 has changed since"):
        project.undo()
    assert project.translation(first, "es").chosen_take_id == newest
    # the step is gone; Undo goes on with the step before, which touched other columns
    assert project.undo_status().undo == "Edit translation of line 1 (es)"
    project.undo()
    assert project.translation(first, "es").text == "Hola, amigo."
    assert project.translation(first, "es").chosen_take_id == newest


def test_undoing_a_split_is_refused_once_the_new_line_has_a_take(project, make_tone):
    project.split_line(line(project, 1), RATE, 6, {"es": 5})
    new = line(project, 2)
    project.add_take(new, "es", make_tone(0.3), 24_000, text="amigo.", backend="kokoro")
    with pytest.raises(UndoConflictError, match="Cannot undo “Split line 1”"):
        project.undo()
    assert project.takes(new, "es")  # the take and its line are still there
    assert len(project.lines()) == 5


def test_history_is_capped(project, monkeypatch):
    monkeypatch.setattr(history, "HISTORY_LIMIT", 3)
    first = line(project, 1)
    for n in range(6):
        project.edit_translation(first, "es", f"v{n}")
    undone = 0
    while project.undo_status().undo:
        project.undo()
        undone += 1
    assert undone == 3
    assert project.translation(first, "es").text == "v2"


def test_a_tampered_history_entry_is_not_executed(project):
    with project._db.transaction() as conn:
        conn.execute("UPDATE history SET changes = ? WHERE id = (SELECT max(id) FROM history)",
                     (json.dumps([["settings; DROP TABLE lines; --", 1, {"x": 1}, {"x": 2}]]),))
    with pytest.raises(ValueError, match="unknown table"):
        project.undo()
    with project._db.transaction() as conn:
        conn.execute("UPDATE history SET changes = ? WHERE id = (SELECT max(id) FROM history)",
                     (json.dumps([["lines", 1, {"x = 1; --": 1}, {"x = 1; --": 2}]]),))
    with pytest.raises(ValueError, match="unknown columns"):
        project.undo()
    assert len(project.lines()) == 4


# Random sequences: after any mix of operations, undoing walks back through every state seen, redoing
# walks forward again, and both survive reopening.
STEPS = [
    lambda p, n: p.edit_translation(p.lines()[n % len(p.lines())].id, "es", f"text {n}"),
    lambda p, n: p.approve([p.lines()[n % 3].id], "es"),
    lambda p, n: p.retime_line(p.lines()[n % len(p.lines())].id, n * 1000, n * 1000 + RATE),
    lambda p, n: p.split_line(p.lines()[0].id, p.lines()[0].start + 100),
    lambda p, n: p.merge_lines(p.lines()[0].id, p.lines()[1].id),
    lambda p, n: p.reassign_speaker([p.lines()[n % len(p.lines())].id], p.speakers()[n % 2].id),
    lambda p, n: p.choose_take(p.takes(p.lines()[0].id, "es")[n % 2].id),
    lambda p, n: p.set_fit_strategy([p.lines()[-1].id], "es", ["rate", "stretch", "auto"][n % 3]),
    lambda p, n: p.cast_voice(p.speakers()[n % 2].id, "fr", p.voices()[0].id if n % 3 else None),
    lambda p, n: p.set_glossary_entry("es", ["friend", "thanks"][n % 2], f"term {n}"),
]


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(st.tuples(st.sampled_from(range(len(STEPS))), st.integers(0, 50)), min_size=1, max_size=8))
def test_random_sequences_undo_and_redo_through_every_state(tmp_path_factory, project_at, snapshot, steps):
    path = tmp_path_factory.mktemp("sequence") / "seq.dubproj"
    project = project_at(path)
    states = [snapshot(project)]
    for index, n in steps:
        try:
            changes = STEPS[index](project, n)
        except (InvalidEditError, IndexError):  # not possible in this state: nothing happened
            assert snapshot(project) == states[-1]
            continue
        if changes:
            states.append(snapshot(project))
    project.close()
    with Project.open(path) as project:
        for expected in reversed(states[:-1]):
            project.undo()
            assert snapshot(project) == expected
    with Project.open(path) as project:
        for expected in states[1:]:
            project.redo()
            assert snapshot(project) == expected
            assert_one_chosen_take(project)


def assert_one_chosen_take(project):
    for line in project.lines():
        for language in project.settings.target_languages:
            takes = {take.id for take in project.takes(line.id, language)}
            if takes:
                assert project.translation(line.id, language).chosen_take_id in takes


def test_a_row_removed_behind_the_projects_back_is_not_resurrected_by_undo(project):
    second = line(project, 2)
    project.edit_translation(second, "es", "¿Qué tal?")
    with project._db.transaction() as conn:  # another tool edited the file
        conn.execute("DELETE FROM translations WHERE line_id = ? AND language = 'es'", (second,))
    with pytest.raises(UndoConflictError, match="a row of translations has changed since"):
        project.undo()
    assert project.translation(second, "es") is None
