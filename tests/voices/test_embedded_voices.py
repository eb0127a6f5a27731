"""The embedded voices: Kokoro in Spanish read back by ASR, Piper's English-only refusal, the espeak-ng
fallback, Kokoro style blends and pitch, and the embedded casting search."""

import numpy as np
import pytest
import soundfile

from dubstudio.errors import DubStudioError
from dubstudio.voices.fitting import RATE
from dubstudio.voices.spec import VoiceSpec

pytestmark = pytest.mark.slow

SPANISH = "Tenemos una reunión con el director a las diez de la mañana."


@pytest.fixture(scope="module")
def voices():
    from dubstudio.engine.voices import Voices

    return Voices()


@pytest.fixture(scope="module")
def whisper():
    from dubstudio.engine.backends.whisper import Whisper

    return Whisper()


def f0(audio: np.ndarray) -> float:
    """Median pitch of voiced 40 ms frames, by autocorrelation (70-400 Hz)."""
    frame, values = int(0.04 * RATE), []
    for start in range(0, len(audio) - frame, frame):
        x = audio[start:start + frame] - audio[start:start + frame].mean()
        if np.sqrt(np.mean(x ** 2)) < 0.02:
            continue
        ac = np.correlate(x, x, "full")[frame - 1:]
        lo, hi = RATE // 400, RATE // 70
        lag = lo + int(np.argmax(ac[lo:hi]))
        if ac[lag] > 0.3 * ac[0]:
            values.append(RATE / lag)
    return float(np.median(values))


def test_kokoro_speaks_spanish_that_asr_reads_back(voices, whisper, figures):
    from dubstudio.engine.qa import back_transcribe

    take = voices.render(VoiceSpec("kokoro", "jm_kumo"), SPANISH, "es")
    assert 2.0 < len(take) / RATE < 6.0 and take.dtype == np.float32
    qa = back_transcribe(whisper, take, SPANISH, "es")
    figures("Kokoro Spanish take: back-transcription CER", f"{qa['cer']:.1%}", "target < 15%")
    assert qa["cer"] < 0.15 and not qa["flagged"]


def test_a_take_that_says_something_else_is_flagged(voices, whisper):
    from dubstudio.engine.qa import back_transcribe

    take = voices.render(VoiceSpec("kokoro", "jm_kumo"), "Hoy hace mucho frío en la montaña.", "es")
    assert back_transcribe(whisper, take, SPANISH, "es")["flagged"]


def test_piper_speaks_english_and_refuses_other_languages(voices):
    take = voices.render(VoiceSpec("piper", "en_US-joe-medium"), "Good morning.", "en")
    assert len(take) > RATE // 2
    with pytest.raises(DubStudioError, match="English only"):
        voices.render(VoiceSpec("piper", "en_US-joe-medium"), SPANISH, "es")


def test_espeak_is_the_fallback_for_any_language(voices):
    for language in ("es", "de", "pl"):
        assert len(voices.render(VoiceSpec("espeak-ng"), "uno dos tres", language)) > RATE // 2
    with pytest.raises(DubStudioError, match="espeak-ng"):
        voices.render(VoiceSpec("espeak-ng"), "hola", "xx-nowhere")


def test_pitch_shift_moves_the_voice_and_keeps_its_length(voices):
    plain = voices.render(VoiceSpec("kokoro", "jf_nezumi"), SPANISH, "es")
    lower = voices.render(VoiceSpec("kokoro", "jf_nezumi", pitch=-4.0), SPANISH, "es")
    assert len(lower) == len(plain)
    ratio = f0(lower) / f0(plain)
    assert ratio == pytest.approx(2 ** (-4 / 12), abs=0.06)


def test_a_blend_of_styles_lies_between_its_voices(voices):
    from resemblyzer import VoiceEncoder

    from dubstudio.engine.casting import embed

    encoder = VoiceEncoder("cpu", verbose=False)
    a, b = (embed(encoder, voices.render(VoiceSpec("kokoro", name), SPANISH, "es")) for name in ("jm_kumo", "jf_nezumi"))
    mix = embed(encoder, voices.render(VoiceSpec("kokoro", blend=(("jm_kumo", 0.5), ("jf_nezumi", 0.5))), SPANISH, "es"))
    assert float(mix @ a) > float(b @ a) and float(mix @ b) > float(a @ b)
    with pytest.raises(DubStudioError, match="no voice"):
        voices.render(VoiceSpec("kokoro", blend=(("nobody", 1.0),)), SPANISH, "es")


def test_casting_finds_the_voice_a_speaker_was_made_with(voices, sample_clip):
    from resemblyzer import VoiceEncoder

    from dubstudio.engine.casting import cast_speaker

    dialogue, _ = soundfile.read(sample_clip.dialogue, dtype="float32")
    maya = np.concatenate([dialogue[line["start"]:line["end"]] for line in sample_clip.info["lines"]
                           if line["speaker"] == "maya"][:4])
    casting = cast_speaker(voices, VoiceEncoder("cpu", verbose=False), maya, "es")
    assert casting.spec.backend == "kokoro" and "jf_nezumi" in casting.spec.label()
    assert casting.similarity > 0.85 and casting.similarity == pytest.approx(casting.tried[0][1], abs=1e-4)
