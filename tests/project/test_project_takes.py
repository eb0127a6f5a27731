"""Takes: lossless audio, never overwritten, one chosen; machine results never replace a person's work."""

import sqlite3

import numpy as np
import pytest

from dubstudio.project import InvalidEditError


def first_line(project):
    return project.lines()[0].id


@pytest.mark.parametrize("samples", [
    np.random.default_rng(1).standard_normal(24_000).astype(np.float32) * 0.2,  # float noise: kept as float WAV
    np.random.default_rng(2).standard_normal(24_000) * 0.2,                     # float64
    np.random.default_rng(3).integers(-32768, 32767, 24_000, dtype=np.int16),    # FLAC 16-bit
    (np.random.default_rng(4).integers(-2**15, 2**15, (24_000, 2)) / 2**15).astype(np.float32),  # stereo, FLAC
    np.random.default_rng(5).integers(-2**31, 2**31 - 1, 24_000).astype(np.int32),
], ids=["float32", "float64", "int16", "stereo", "int32"])
def test_take_audio_comes_back_bit_for_bit(project, samples):
    take_id = project.add_take(first_line(project), "es", samples, 24_000, text="Hola", backend="kokoro")
    loaded, rate = project.load_audio(project.take(take_id).audio_hash)
    assert rate == 24_000
    assert loaded.dtype == samples.dtype and loaded.shape == samples.shape
    assert np.array_equal(loaded, samples)


def test_audio_on_a_pcm_grid_is_stored_as_flac(project):
    samples = (np.random.default_rng(6).integers(-2**15, 2**15, 48_000) / 2**15).astype(np.float32)
    take_id = project.add_take(first_line(project), "es", samples, 48_000, text="Hola", backend="kokoro")
    row = project._db.conn.execute("SELECT format, length(data) FROM audio WHERE hash = ?",
                                   (project.take(take_id).audio_hash,)).fetchone()
    assert row[0] == "FLAC" and row[1] < samples.nbytes


def test_takes_keep_everything_about_how_they_were_made(project, make_tone):
    voice = project.voices()[0].id
    take_id = project.add_take(first_line(project), "es", make_tone(0.5), 24_000, text="Hola", backend="kokoro",
                               voice_id=voice, params={"speed": 1.1}, fit={"ratio": "11/10"},
                               qa={"cer": 0.02})
    take = project.take(take_id)
    assert (take.backend, take.voice_id, take.params, take.fit, take.qa, take.text) == (
        "kokoro", voice, {"speed": 1.1}, {"ratio": "11/10"}, {"cer": 0.02}, "Hola")
    assert take.created_at.endswith("+00:00")


def test_a_new_take_never_replaces_the_old_ones_nor_the_users_choice(project, make_tone):
    first = first_line(project)
    before = project.takes(first, "es")
    chosen = project.translation(first, "es").chosen_take_id
    project.add_take(first, "es", make_tone(0.5), 24_000, text="Hola", backend="kokoro")
    assert project.takes(first, "es")[:2] == before
    assert project.translation(first, "es").chosen_take_id == chosen


def test_a_regenerated_take_is_chosen_when_asked(project, make_tone):
    first = first_line(project)
    new = project.add_take(first, "es", make_tone(0.5), 24_000, text="Hola", backend="kokoro", choose=True)
    assert project.translation(first, "es").chosen_take_id == new


def test_the_first_take_of_a_line_is_chosen(project, make_tone):
    third = project.lines()[2].id
    new = project.add_take(third, "es", make_tone(0.5), 24_000, text="Bien", backend="kokoro")
    assert project.translation(third, "es").chosen_take_id == new


def test_a_take_needs_a_translation(project, make_tone):
    with pytest.raises(InvalidEditError, match="translate it before adding a take"):
        project.add_take(project.lines()[3].id, "es", make_tone(0.2), 24_000, text="x", backend="kokoro")


def test_takes_and_audio_are_never_modified_or_deleted(project):
    take = project.takes(first_line(project), "es")[0]
    for statement in ("UPDATE takes SET text = 'other'", "UPDATE takes SET audio_hash = 'x'",
                      "DELETE FROM takes", "UPDATE audio SET data = x'00'", "DELETE FROM audio"):
        with pytest.raises(sqlite3.IntegrityError, match="never"), project._db.transaction() as conn:
            conn.execute(statement)
    assert project.take(take.id) == take


def test_figures_measured_later_can_be_filled_in(project):
    take = project.takes(first_line(project), "es")[0]
    changes = project.set_take_figures(take.id, qa={"cer": 0.05, "similarity": 0.81})
    assert changes.takes == {(first_line(project), "es")}
    assert project.take(take.id).qa == {"cer": 0.05, "similarity": 0.81}
    assert project.take(take.id).audio_hash == take.audio_hash


def test_identical_audio_is_stored_once(project, make_tone):
    first = first_line(project)
    project.add_take(first, "es", make_tone(0.5), 24_000, text="Hola", backend="kokoro")
    hashes = [take.audio_hash for take in project.takes(first, "es")]
    assert hashes[0] == hashes[2]
    assert project._db.conn.execute("SELECT count(*) FROM audio").fetchone()[0] == 2


def test_speaker_reference_audio(project, make_tone):
    alice = project.speakers()[0].id
    ref = project.add_speaker_reference(alice, make_tone(2.0, 48_000), 48_000, source_range=(0, 96_000))
    reference = project.speaker_references(alice)[0]
    assert (reference.id, reference.source_start, reference.source_end) == (ref, 0, 96_000)
    assert np.array_equal(project.load_audio(reference.audio_hash)[0], make_tone(2.0, 48_000))


def test_machine_translation_never_replaces_a_persons_text(project):
    first = first_line(project)
    project.edit_translation(first, "es", "Hola, amiga.")
    project.set_machine_translations("es", {first: "Hola, amigo mío."}, {first: ["Hola."]})
    translation = project.translation(first, "es")
    assert (translation.text, translation.status) == ("Hola, amiga.", "edited")
    assert translation.candidates == ("Hola, amigo mío.", "Hola.")


def test_machine_translation_updates_machine_text(project):
    first = first_line(project)
    changes = project.set_machine_translations("es", {first: "Hola, compañero."}, {first: ["Hola."]})
    assert changes.translations == {(first, "es")}
    assert project.translation(first, "es").text == "Hola, compañero."
    assert project.translation(first, "es").candidates == ("Hola.",)


def test_a_batch_of_machine_translations_is_all_or_nothing(project, snapshot):
    before = snapshot(project)
    first, second, *_ = (line.id for line in project.lines())
    with pytest.raises(InvalidEditError):
        project.set_machine_translations("es", {first: "Uno.", 999: "?", second: "Dos."})
    assert snapshot(project) == before
