"""Core speech planning: speaker assignment, line cutting, edge refinement, reference audio, metrics."""

import numpy as np
import pytest

from dubstudio.speech.assign import assign_speakers
from dubstudio.speech.envelope import Envelope
from dubstudio.speech.lines import MAX_LENGTH, cut_lines, refine_edges
from dubstudio.speech.metrics import diarization_error_rate, normalize, word_error_rate
from dubstudio.speech.reference import choose_reference
from dubstudio.speech.types import PROJECT_RATE as R, Turn, Word


def words(*spec):
    """("Hello", 0.0, 0.4, "A"), ... in seconds -> Words in samples."""
    return [Word(int(a * R), int(b * R), " " + text, 1.0, speaker) for text, a, b, speaker in spec]


def test_each_word_gets_the_speaker_covering_most_of_it_even_in_overlap():
    turns = [Turn(0, int(2.0 * R), "A"), Turn(int(1.5 * R), int(4 * R), "B")]
    out = assign_speakers(words(("one", 0.2, 0.6, None), ("two", 1.7, 2.3, None), ("three", 2.5, 3.0, None)), turns)
    assert [w.speaker for w in out] == ["A", "B", "B"]  # "two" overlaps A by 0.3 s and B by 0.6 s
    assert len(out) == 3


def test_a_word_timed_into_a_pause_joins_its_sentence_and_moves_onto_the_speech():
    turns = [Turn(0, 2 * R, "A"), Turn(4 * R, 6 * R, "B")]
    out = assign_speakers(words(("done.", 1.0, 1.9, None), ("Thank", 2.1, 3.6, None), ("you.", 4.1, 4.5, None),
                                ("And", 4.6, 4.8, None), ("then", 6.1, 6.8, None)), turns)
    thank = out[1]
    assert thank.speaker == "B" and thank.start >= 4 * R and thank.end <= out[2].start
    then = out[4]
    assert then.speaker == "B" and then.end <= 6 * R  # not a sentence opener: it ends B's speech


def test_lines_break_at_sentence_ends_pauses_and_speaker_changes():
    w = words(("Hello", 0.0, 0.4, "A"), ("there.", 0.45, 0.8, "A"), ("How", 0.85, 1.0, "A"),
              ("are", 1.05, 1.2, "A"), ("you", 1.6, 1.8, "A"), ("Fine", 1.9, 2.2, "B"), ("thanks", 2.25, 2.6, "B"))
    lines = cut_lines(w)
    assert [line.text for line in lines] == ["Hello there.", "How are", "you", "Fine thanks"]
    assert [line.speaker for line in lines] == ["A", "A", "A", "B"]
    assert lines[0].start == 0 and lines[0].end == int(0.8 * R)
    assert sum(len(line.words) for line in lines) == len(w), "no word lost or repeated"


def test_long_lines_split_at_a_clause_under_7_s_and_20_words():
    spec = [(f"w{i}," if i == 11 else f"w{i}", i * 0.45, i * 0.45 + 0.4, "A") for i in range(30)]
    lines = cut_lines(words(*spec))
    assert all(len(line.words) <= 20 and line.end - line.start <= MAX_LENGTH for line in lines)
    assert lines[0].words[-1].text.strip() == "w11,", "the clause end is the natural cut"


def tone(seconds: float, rate: int = 16000, freq: float = 3000.0, level: float = 0.3) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    return (level * np.sin(2 * np.pi * freq * t)).astype(np.float32)


def test_edges_snap_to_where_the_sound_starts_and_stops():
    rate = 16000
    audio = np.concatenate([np.zeros(rate, np.float32), tone(2.0), np.zeros(rate, np.float32)])
    audio += np.random.default_rng(0).normal(0, 0.001, len(audio)).astype(np.float32)
    line = cut_lines(words(("late", 1.15, 2.0, "A"), ("early.", 2.0, 2.85, "A")))
    refined = refine_edges(line, Envelope(audio, rate))[0]
    assert abs(refined.start - 1 * R) <= 0.02 * R
    assert abs(refined.end - 3 * R) <= 0.02 * R


def test_reference_prefers_long_clean_speech_and_stops_at_30_s():
    rate = 16000
    audio = np.concatenate([tone(60.0, level=0.3), np.zeros(rate, np.float32)])
    env = Envelope(audio + np.random.default_rng(1).normal(0, 1e-4, len(audio)).astype(np.float32), rate)
    spans = [(0, 3 * R, "A"), (4 * R, 14 * R, "A"), (15 * R, 16 * R, "A"), (13 * R, 15 * R, "B"),
             (20 * R, 45 * R, "A")]
    ref = choose_reference("A", spans, env)
    assert ref.pieces[0] == (0, 3 * R) or (20 * R, 45 * R) in ref.pieces
    assert (4 * R, 14 * R) not in ref.pieces, "overlapped by B"
    assert 10 * R <= ref.total <= 30 * R and not ref.short
    assert choose_reference("B", spans, env).short


def test_word_error_rate_ignores_case_punctuation_and_digit_spelling():
    assert word_error_rate("At ten o'clock, please.", "at 10 o'clock please") == 0.0
    assert normalize("Meet me at 9.") == ["meet", "me", "at", "nine"]
    assert word_error_rate("a b c d", "a x c") == pytest.approx(0.5)


def test_diarization_error_rate_maps_labels_and_counts_confusion():
    ref = [(0, 10 * R, "alice"), (10 * R, 20 * R, "bob")]
    assert diarization_error_rate(ref, [(0, 10 * R, "S2"), (10 * R, 20 * R, "S1")]) == 0.0
    half_wrong = diarization_error_rate(ref, [(0, 20 * R, "S1")])
    assert half_wrong == pytest.approx(0.5, abs=0.03)
    assert diarization_error_rate(ref, []) == pytest.approx(1.0)
