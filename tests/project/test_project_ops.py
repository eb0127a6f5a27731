"""What each operation does, what it refuses (one sentence each) and what it reports as changed."""

import sqlite3

import pytest

from dubstudio.project import ConsentRequiredError, InvalidEditError, NewLine, OpChanges

RATE = 48_000


def ids(project):
    return [line.id for line in project.lines()]


def test_edit_translation_marks_it_edited_and_withdraws_approval(project):
    first = ids(project)[0]
    project.approve([first], "es")
    changes = project.edit_translation(first, "es", "¡Hola, amiga!")
    assert changes == OpChanges(translations=frozenset({(first, "es")}))
    translation = project.translation(first, "es")
    assert (translation.text, translation.status) == ("¡Hola, amiga!", "edited")
    assert project.undo_status().undo == "Edit translation of line 1 (es)"


def test_editing_to_the_same_text_is_not_an_action(project):
    first = ids(project)[0]
    before = project.undo_status()
    assert not project.edit_translation(first, "es", "Hola, amigo.")
    assert project.undo_status() == before
    assert project.translation(first, "es").status == "machine"


def test_edit_translation_of_an_untranslated_line_creates_it(project):
    last = ids(project)[3]
    project.edit_translation(last, "fr", "Bien.")
    assert project.translation(last, "fr").status == "edited"


@pytest.mark.parametrize("line, language", [(999, "es"), (None, "de")])
def test_edit_translation_refuses_unknown_lines_and_languages(project, line, language):
    with pytest.raises(InvalidEditError, match=r"\.$"):
        project.edit_translation(line or ids(project)[0], language, "x")


def test_approve_several_lines_is_one_action(project):
    first, second, *_ = ids(project)
    changes = project.approve([first, second], "es")
    assert changes.translations == {(first, "es"), (second, "es")}
    assert {project.translation(i, "es").status for i in (first, second)} == {"approved"}
    assert project.undo_status().undo == "Approve 2 lines (es)"


def test_approve_refuses_a_line_without_translation_and_changes_nothing(project):
    first, _, _, last = ids(project)
    with pytest.raises(InvalidEditError, match="Line 4 has no es translation"):
        project.approve([first, last], "es")
    assert project.translation(first, "es").status == "machine"


def test_approve_nothing_is_refused(project):
    with pytest.raises(InvalidEditError, match="No lines"):
        project.approve([], "es")


def test_retime(project):
    second = ids(project)[1]
    changes = project.retime_line(second, 11 * RATE, 12 * RATE)
    assert changes.lines == {second} and changes.line_order
    assert [line.id for line in project.lines()][-1] == second
    assert project.undo_status().undo == "Retime line 2"


@pytest.mark.parametrize("start, end", [(-1, 10), (10, 10), (20, 10)])
def test_retime_refuses_impossible_times(project, start, end):
    with pytest.raises(InvalidEditError):
        project.retime_line(ids(project)[0], start, end)


def test_retime_refuses_float_seconds(project):
    with pytest.raises(TypeError):
        project.retime_line(ids(project)[0], 0.5, 1.5)


def test_split_at_a_word_boundary(project):
    first = ids(project)[0]
    changes = project.split_line(first, RATE)
    lines = project.lines()
    assert [line.source_text for line in lines[:2]] == ["Hello there,", "friend."]
    assert (lines[0].start, lines[0].end, lines[1].start, lines[1].end) == (0, RATE, RATE, 2 * RATE)
    assert [w.text for w in lines[0].words] == ["Hello", "there,"]
    assert [w.text for w in lines[1].words] == ["friend."]
    assert lines[1].speaker_id == lines[0].speaker_id
    assert changes.lines == {first, lines[1].id} and changes.line_order
    assert [line.number for line in lines] == [1, 2, 3, 4, 5]
    # the translation stays with the first part until someone splits it too
    assert project.translation(first, "es").text == "Hola, amigo."
    assert project.translation(lines[1].id, "es") is None


def test_split_with_translation_positions(project):
    first = ids(project)[0]
    project.split_line(first, RATE, source_at=6, translation_at={"es": 5})
    new = project.lines()[1].id
    assert project.line(first).source_text == "Hello"
    assert project.line(new).source_text == "there, friend."
    assert (project.translation(first, "es").text, project.translation(new, "es").text) == ("Hola,", "amigo.")
    assert project.translation(new, "es").status == "edited"


@pytest.mark.parametrize("at", [0, 2 * RATE, 3 * RATE])
def test_split_outside_the_line_is_refused(project, at):
    with pytest.raises(InvalidEditError, match="split it at a time inside it"):
        project.split_line(ids(project)[0], at)


def test_split_at_a_character_outside_the_text_is_refused(project):
    with pytest.raises(InvalidEditError):
        project.split_line(ids(project)[0], RATE, translation_at={"es": 99})


def test_merge_neighbours_keeps_the_later_lines_takes(project, make_tone):
    first, second, *_ = ids(project)
    project.set_machine_translations("fr", {second: "Ça va ?"})
    take = project.add_take(second, "es", make_tone(0.4), 24_000, text="¿Cómo estás?", backend="kokoro")
    changes = project.merge_lines(second, first)  # either order
    assert changes.line_order and changes.lines == {first, second}
    lines = project.lines()
    assert len(lines) == 3 and lines[0].id == first
    assert (lines[0].start, lines[0].end) == (0, 5 * RATE)
    assert lines[0].source_text == "Hello there, friend. How are you?"
    assert project.translation(first, "es").text == "Hola, amigo. ¿Cómo estás?"
    assert project.translation(first, "es").status == "machine"
    assert project.translation(first, "fr").text == "Salut, l'ami. Ça va ?"
    assert project.take(take) is not None  # kept, with its hidden line
    assert project.line(second) is None
    assert project.undo_status().undo == "Merge lines 1 and 2"


def test_merged_edited_translations_stay_edited(project):
    first, second, *_ = ids(project)
    project.edit_translation(first, "es", "Hola.")
    project.approve([second], "es")
    project.merge_lines(first, second)
    assert project.translation(first, "es").status == "edited"


def test_merge_refuses_lines_that_are_not_neighbours(project):
    first, _, third, _ = ids(project)
    with pytest.raises(InvalidEditError, match="not neighbours"):
        project.merge_lines(first, third)


def test_merge_refuses_different_speakers(project):
    _, second, third, _ = ids(project)
    with pytest.raises(InvalidEditError, match="different speakers"):
        project.merge_lines(second, third)


def test_reassign_speaker(project):
    bob = project.speakers()[1]
    first, second, *_ = ids(project)
    changes = project.reassign_speaker([first, second], bob.id)
    assert changes.lines == {first, second} and not changes.line_order
    assert {project.line(i).speaker_id for i in (first, second)} == {bob.id}
    assert project.undo_status().undo == "Assign 2 lines to Bob"


def test_reassign_to_an_unknown_speaker_is_refused(project):
    with pytest.raises(InvalidEditError, match="Speaker id 99"):
        project.reassign_speaker(ids(project)[:1], 99)


def test_choose_take(project):
    first = ids(project)[0]
    takes = project.takes(first, "es")
    assert project.translation(first, "es").chosen_take_id == takes[0].id  # the first take is chosen
    changes = project.choose_take(takes[1].id)
    assert changes.translations == {(first, "es")}
    assert project.translation(first, "es").chosen_take_id == takes[1].id
    assert project.undo_status().undo == "Choose take 2 of line 1 (es)"


def test_choose_an_unknown_take_is_refused(project):
    with pytest.raises(InvalidEditError):
        project.choose_take(999)


def test_a_take_of_another_line_can_never_be_chosen(project):
    """The chosen take is a foreign key to a take of the same line and language."""
    first, second, *_ = ids(project)
    take = project.takes(first, "es")[0].id
    with pytest.raises(sqlite3.IntegrityError), project._db.transaction() as conn:
        conn.execute("UPDATE translations SET chosen_take_id = ? WHERE line_id = ? AND language = 'es'",
                     (take, second))


def test_set_fit_strategy(project):
    first, *_, last = ids(project)
    project.set_fit_strategy([first, last], "es", "stretch")
    assert project.translation(first, "es").fit_strategy == "stretch"
    assert project.translation(last, "es").fit_strategy == "stretch"
    assert project.undo_status().undo == "Set fit strategy of 2 lines to stretch (es)"


def test_unknown_fit_strategy_is_refused(project):
    with pytest.raises(InvalidEditError, match="not a fit strategy"):
        project.set_fit_strategy(ids(project)[:1], "es", "faster")


def test_cast_and_uncast_a_stock_voice(project):
    alice = project.speakers()[0]
    stock = project.voices()[0]
    changes = project.cast_voice(alice.id, "fr", stock.id)
    assert changes.casting == {(alice.id, "fr")}
    assert project.casting("fr") == {alice.id: stock.id}
    assert project.undo_status().undo == "Cast Kokoro Ana as Alice (fr)"
    project.cast_voice(alice.id, "fr", None)
    assert project.casting("fr") == {}


def test_a_cloned_voice_needs_a_consent_record(project):
    alice = project.speakers()[0]
    clone = project.voices()[1]
    with pytest.raises(ConsentRequiredError, match="no consent on record"):
        project.cast_voice(alice.id, "es", clone.id)
    project.record_consent(clone.id, person="Alice Martin", scope="Spanish and French dubs of this film",
                           evidence="contracts/alice-2026-03.pdf", recorded_by="lead")
    project.cast_voice(alice.id, "es", clone.id)
    assert project.casting("es")[alice.id] == clone.id
    consent = project.consents(clone.id)[0]
    assert (consent.person, consent.recorded_by) == ("Alice Martin", "lead")
    assert project.voices()[1].has_consent


def test_the_database_itself_refuses_a_clone_without_consent(project):
    alice, clone = project.speakers()[0], project.voices()[1]
    with pytest.raises(sqlite3.IntegrityError, match="consent"), project._db.transaction() as conn:
        conn.execute("INSERT INTO casting (speaker_id, language, voice_id) VALUES (?, 'fr', ?)",
                     (alice.id, clone.id))


def test_consent_records_are_kept_as_written(project):
    clone = project.voices()[1]
    project.record_consent(clone.id, person="Alice", scope="dub", evidence="signed form")
    for statement in ("UPDATE consents SET person = 'someone else'", "DELETE FROM consents"):
        with pytest.raises(sqlite3.IntegrityError), project._db.transaction() as conn:
            conn.execute(statement)


def test_a_consent_needs_its_fields(project):
    with pytest.raises(InvalidEditError, match="evidence"):
        project.record_consent(project.voices()[1].id, person="Alice", scope="dub", evidence=" ")


def test_a_clone_needs_its_speaker(project):
    with pytest.raises(InvalidEditError):
        project.add_voice("Nobody", "xtts", kind="clone")


def test_glossary_add_edit_remove(project):
    changes = project.set_glossary_entry("es", "Paris", "París", "city")
    assert changes.glossary == {"es"}
    assert project.undo_status().undo == "Add glossary entry 'Paris' (es)"
    project.set_glossary_entry("es", "Paris", "París (ciudad)")
    assert project.undo_status().undo == "Edit glossary entry 'Paris' (es)"
    entries = {entry.source_term: entry for entry in project.glossary("es")}
    assert entries["Paris"].target_term == "París (ciudad)"
    project.remove_glossary_entry(entries["Paris"].id)
    assert "Paris" not in {entry.source_term for entry in project.glossary("es")}
    assert project.undo_status().undo == "Remove glossary entry 'Paris' (es)"


def test_glossary_refuses_an_empty_term(project):
    with pytest.raises(InvalidEditError):
        project.set_glossary_entry("es", "  ", "x")


def test_a_failed_operation_changes_nothing(project, snapshot):
    before, status = snapshot(project), project.undo_status()
    first, *_, last = ids(project)
    with pytest.raises(InvalidEditError):
        project.approve([first, last], "es")  # fails on the second line, after approving the first
    assert snapshot(project) == before
    assert project.undo_status() == status


def test_add_lines_is_all_or_nothing_and_takes_integer_samples_only(project):
    before = project.lines()
    with pytest.raises(InvalidEditError, match="cannot run from sample"):
        project.add_lines([NewLine(20 * RATE, 21 * RATE, "Ok."), NewLine(22 * RATE, 22 * RATE, "Empty.")])
    with pytest.raises(TypeError):
        project.add_lines([NewLine(20.5, 21.0, "Seconds.")])
    assert project.lines() == before


def test_timecode_uses_the_project_frame_rate(project):
    assert project.timecode(60 * RATE) == "00:00:59;28"  # drop-frame labels lag clock time within a minute
    assert project.timecode(600 * RATE) == "00:10:00;00"
