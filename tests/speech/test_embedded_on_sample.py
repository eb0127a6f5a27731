"""The embedded speech models on the sample clip, measured against its known script and timings."""

import subprocess

import numpy as np
import pytest

from dubstudio.errors import DubStudioError, MissingModelError
from dubstudio.speech.assign import assign_speakers
from dubstudio.speech.envelope import Envelope
from dubstudio.speech.lines import cut_lines, refine_edges
from dubstudio.speech.metrics import diarization_error_rate, word_error_rate
from dubstudio.speech.types import PROJECT_RATE, SPEECH_RATE

pytestmark = pytest.mark.slow


def decode_16k(path) -> np.ndarray:
    raw = subprocess.run(["ffmpeg", "-v", "error", "-i", str(path), "-f", "f32le", "-ac", "1",
                          "-ar", str(SPEECH_RATE), "-"], capture_output=True, check=True).stdout
    return np.frombuffer(raw, np.float32).copy()


@pytest.fixture(scope="module")
def whisper():
    from dubstudio.engine.backends.whisper import Whisper

    return Whisper()


@pytest.fixture(scope="module")
def diarizer():
    from dubstudio.engine.backends.diarizer import EmbeddedDiarizer

    return EmbeddedDiarizer()


@pytest.fixture(scope="module")
def heard(sample_clip, whisper, diarizer):
    audio = decode_16k(sample_clip.video)
    transcript = whisper.transcribe(audio)
    diarization = diarizer.diarize(audio)
    words = assign_speakers(transcript.words, diarization.turns)
    lines = refine_edges(cut_lines(words), Envelope(audio, SPEECH_RATE))
    return transcript, diarization, lines


def test_english_is_detected_and_word_error_rate_is_under_15_percent(sample_clip, heard, figures):
    transcript, _, lines = heard
    assert transcript.language == "en"
    truth = " ".join(line["text"] for line in sample_clip.info["lines"])
    wer = word_error_rate(truth, " ".join(line.text for line in lines))
    figures("sample: word error rate (Whisper base)", f"{wer:.1%}", "target < 15%")
    assert wer < 0.15


def test_two_speakers_are_found_and_diarization_error_rate_is_under_20_percent(sample_clip, heard, figures):
    _, diarization, lines = heard
    truth = [(line["start"], line["end"], line["speaker"]) for line in sample_clip.info["lines"]]
    assert len({turn.speaker for turn in diarization.turns}) == 2
    der = diarization_error_rate(truth, [(t.start, t.end, t.speaker) for t in diarization.turns])
    figures("sample: diarization error rate (embedded)", f"{der:.1%}", "target < 20%")
    assert der < 0.20
    # and every line is spoken by the speaker the script says, under a consistent naming
    naming = {}
    for line in lines:
        middle = (line.start + line.end) // 2
        true = next(t for t in sample_clip.info["lines"] if t["start"] - PROJECT_RATE // 2 <= middle <= t["end"])
        assert naming.setdefault(line.speaker, true["speaker"]) == true["speaker"]


def test_line_edges_fall_within_100_ms_of_the_true_pauses(sample_clip, heard, figures):
    _, _, lines = heard
    starts, ends = [line.start for line in lines], [line.end for line in lines]
    errors = []
    for truth in sample_clip.info["lines"]:
        errors.append(min(abs(s - truth["start"]) for s in starts))
        errors.append(min(abs(e - truth["end"]) for e in ends))
    worst = max(errors) * 1000 / PROJECT_RATE
    figures("sample: worst line edge vs true pause", f"{worst:.0f} ms", "target <= 100 ms")
    assert worst <= 100
    for line, following in zip(lines, lines[1:]):
        assert line.start < line.end <= following.start


def test_a_given_number_of_speakers_is_respected(sample_clip, diarizer):
    audio = decode_16k(sample_clip.video)[: 20 * SPEECH_RATE]
    assert len({t.speaker for t in diarizer.diarize(audio, num_speakers=3).turns}) == 3


def test_music_without_speech_gives_no_words_and_no_turns(sample_clip, whisper, diarizer):
    import soundfile
    from scipy.signal import resample_poly

    music, rate = soundfile.read(sample_clip.music, dtype="float32")
    audio = resample_poly(music.mean(axis=1)[: 12 * rate], 1, 3).astype(np.float32)
    assert whisper.transcribe(audio).words == []
    assert diarizer.diarize(audio).turns == []


def test_a_forced_language_the_model_does_not_know_is_a_clear_error(whisper):
    with pytest.raises(DubStudioError, match="does not know the language 'xx'"):
        whisper.transcribe(np.zeros(SPEECH_RATE, np.float32), language="xx")


def test_a_missing_or_incomplete_studio_folder_names_what_is_missing(tmp_path):
    from dubstudio.engine.backends.whisper import check_model_folder

    with pytest.raises(MissingModelError, match="does not exist"):
        check_model_folder(tmp_path / "nowhere")
    (tmp_path / "config.json").write_text("{}")
    with pytest.raises(MissingModelError, match="model.bin, tokenizer.json, vocabulary.json missing"):
        check_model_folder(tmp_path)
    for name in ("model.bin", "tokenizer.json", "vocabulary.json"):
        (tmp_path / name).write_text("x")
    (tmp_path / "config.json").write_text('{"lang_ids": []}')
    with pytest.raises(MissingModelError, match="without its language list"):
        check_model_folder(tmp_path)
