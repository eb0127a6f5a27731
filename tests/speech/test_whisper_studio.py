"""The studio Whisper path: a tiny random Whisper, converted to CTranslate2 in a folder and loaded by
faster-whisper the way the Whisper adapter loads a user's model folder."""

from pathlib import Path

import numpy as np
import pytest
from tiny_whisper import MEL_BINS, build_tiny_whisper

from dubstudio.speech.types import SPEECH_RATE


@pytest.fixture(scope="module")
def tiny_whisper(tmp_path_factory):
    from faster_whisper import WhisperModel

    folder = build_tiny_whisper(tmp_path_factory.mktemp("whisper"))
    return folder, WhisperModel(str(folder), device="cpu", compute_type="int8")


@pytest.fixture(scope="module")
def audio() -> np.ndarray:
    return (np.random.default_rng(0).normal(size=2 * SPEECH_RATE) * 0.1).astype(np.float32)


def transcribe(model, audio, **options):
    # Random weights never stop early: greedy decoding without temperature fallback keeps a run
    # under a second, where the defaults (beam 5, six temperatures) decode noise for seconds.
    segments, info = model.transcribe(audio, word_timestamps=True, vad_filter=False, beam_size=1,
                                      temperature=0.0, condition_on_previous_text=False, **options)
    return list(segments), info


def test_the_folder_looks_like_a_converted_large_v3(tiny_whisper):
    folder, model = tiny_whisper
    expected = {"model.bin", "config.json", "vocabulary.json", "tokenizer.json", "preprocessor_config.json"}
    assert expected <= {path.name for path in Path(folder).iterdir()}
    assert model.model.is_multilingual
    assert model.model.n_mels == MEL_BINS
    assert model.model.num_languages == len(model.supported_languages) == 100


def test_tiny_whisper_detects_a_language_and_times_its_words(tiny_whisper, audio):
    _, model = tiny_whisper
    segments, info = transcribe(model, audio)

    assert info.language in model.supported_languages
    assert 0.0 < info.language_probability <= 1.0
    assert info.duration == pytest.approx(2.0)
    words = [word for segment in segments for word in segment.words]
    assert words
    assert all(isinstance(word.word, str) and 0.0 <= word.start <= word.end for word in words)


def test_tiny_whisper_takes_a_forced_language(tiny_whisper, audio):
    _, model = tiny_whisper
    _, info = transcribe(model, audio, language="es")
    assert info.language == "es"
