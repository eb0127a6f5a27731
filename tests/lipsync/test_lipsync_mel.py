"""Wav2Lip's audio front end against the published computation redone with librosa, and its per-frame windows."""

import subprocess
import sys
from fractions import Fraction

import librosa
import numpy as np
import pytest
from scipy.signal import lfilter, resample_poly

from dubstudio.lipsync.mel import (
    MAX_ABS,
    SILENCE,
    WINDOW,
    frame_windows,
    mel_filterbank,
    mel_windows,
    melspectrogram,
    window_starts,
)


def speech_like(seconds: float, rate: int) -> np.ndarray:
    """A gliding harmonic tone under syllable-rate bursts, with a little noise and a silent gap."""
    t = np.arange(int(seconds * rate)) / rate
    pitch = 120 + 60 * np.sin(2 * np.pi * 0.7 * t)
    phase = 2 * np.pi * np.cumsum(pitch) / rate
    voice = sum(np.sin(k * phase) / k for k in range(1, 12))
    bursts = 0.5 + 0.5 * np.sin(2 * np.pi * 4 * t)
    audio = 0.2 * voice * bursts + 0.01 * np.random.default_rng(0).standard_normal(len(t))
    audio[int(0.4 * len(t)):int(0.5 * len(t))] = 0.0
    return audio.astype(np.float32)


def published_mel(wav16k: np.ndarray) -> np.ndarray:
    """Wav2Lip's audio.melspectrogram with its hparams (librosa 0.7 padded the STFT by reflection)."""
    emphasised = lfilter([1, -0.97], [1], wav16k)
    spectrum = np.abs(librosa.stft(y=emphasised, n_fft=800, hop_length=200, win_length=800, pad_mode="reflect"))
    mel = librosa.filters.mel(sr=16000, n_fft=800, n_mels=80, fmin=55, fmax=7600) @ spectrum
    decibels = 20 * np.log10(np.maximum(10 ** (-100 / 20), mel)) - 20
    return np.clip(8 * (decibels + 100) / 100 - 4, -4, 4)


def test_filterbank_is_librosas_slaney_mel():
    reference = librosa.filters.mel(sr=16000, n_fft=800, n_mels=80, fmin=55, fmax=7600)
    assert mel_filterbank().shape == (80, 401)
    np.testing.assert_allclose(mel_filterbank(), reference, atol=1e-8)


def test_melspectrogram_matches_the_published_computation():
    audio = speech_like(2.0, 16_000)
    ours = melspectrogram(audio, 16_000)
    reference = published_mel(audio.astype(np.float64))
    assert ours.dtype == np.float32
    assert ours.shape == reference.shape == (80, 1 + len(audio) // 200)
    np.testing.assert_allclose(ours, reference, atol=1e-4)
    assert ours.min() >= -MAX_ABS and ours.max() <= MAX_ABS
    gap = ours[:, 70:75]  # frames well inside the silent 0.8-1.0 s
    assert np.all(gap == SILENCE)


def test_other_rates_are_resampled_to_16k_first():
    audio = speech_like(1.0, 48_000)
    ours = melspectrogram(audio, 48_000)
    reference = published_mel(resample_poly(audio.astype(np.float64), 1, 3))
    assert ours.shape == (80, 81)
    np.testing.assert_allclose(ours, reference, atol=1e-4)


def test_stereo_is_refused():
    with pytest.raises(ValueError, match="mono"):
        melspectrogram(np.zeros((100, 2), np.float32), 16_000)


def test_one_window_per_frame_starting_at_80_per_second():
    mel = melspectrogram(speech_like(2.0, 16_000), 16_000)  # 161 mel frames
    windows = mel_windows(mel, 50, Fraction(25))
    assert windows.shape == (50, 80, WINDOW) and windows.dtype == np.float32
    for frame in (0, 1, 17, 36):
        start = int(80 * frame / 25)  # the published inference's index
        np.testing.assert_array_equal(windows[frame], mel[:, start:start + WINDOW])
    # the last frames' windows run past the audio: the mel continues, then silence
    last = windows[49]
    start = int(80 * 49 / 25)
    np.testing.assert_array_equal(last[:, :mel.shape[1] - start], mel[:, start:])
    assert np.all(last[:, mel.shape[1] - start:] == SILENCE)


def test_window_starts_are_exact_for_ntsc_rates():
    fps = Fraction(30000, 1001)
    starts = window_starts(3000, fps)
    assert list(starts) == [80 * k * 1001 // 30000 for k in range(3000)]
    assert len(mel_windows(np.zeros((80, 10), np.float32), 7, fps)) == 7
    assert mel_windows(np.zeros((80, 10), np.float32), 0, fps).shape == (0, 80, WINDOW)


@pytest.mark.parametrize("fps", [Fraction(25), Fraction(30000, 1001)])
def test_frame_windows_read_only_the_audio_they_need(fps):
    audio = speech_like(6.0, 48_000)
    whole = mel_windows(melspectrogram(audio, 48_000), 30, fps)
    np.testing.assert_array_equal(frame_windows(audio, 48_000, 30, fps), whole)
    # what the 30th frame's window reads ends before 1.5 s: audio cut there gives the same windows
    np.testing.assert_array_equal(frame_windows(audio[:72_000], 48_000, 30, fps), whole)


def test_the_core_module_needs_no_librosa():
    code = "import sys, dubstudio.lipsync.mel; assert 'librosa' not in sys.modules and 'torch' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)
