"""A 24 kHz synthesizer's take, at the project's 48 kHz, is time-stretched at 24 kHz (a quarter of
rubberband's work) with the same result: the exact length, the pitch kept, the same spectrum."""

import itertools

import numpy as np

from dubstudio.dsp.resample import resample
from dubstudio.dsp.rubberband import stretch_to
from dubstudio.voices.fitting import RATE, Strategy, fit_line


def voiced(seconds: float, f0: float = 140.0) -> np.ndarray:
    """A 24 kHz made, vowel-like tone (harmonics of f0 up to 10 kHz, a syllable rhythm), at 48 kHz."""
    t = np.arange(int(seconds * 24_000)) / 24_000
    tone = sum(np.sin(2 * np.pi * f0 * k * t) / k for k in range(1, int(10_000 / f0)))
    envelope = 0.5 + 0.5 * np.sin(2 * np.pi * 4 * t) ** 2
    return resample((0.2 * tone * envelope).astype(np.float32), 24_000, RATE)


def pitch(audio: np.ndarray) -> float:
    spectrum = np.abs(np.fft.rfft(audio * np.hanning(len(audio))))
    low = slice(int(80 * len(audio) / RATE), int(300 * len(audio) / RATE))
    return (low.start + int(np.argmax(spectrum[low]))) * RATE / len(audio)


def band_levels(audio: np.ndarray) -> np.ndarray:
    """dB in 1 kHz bands up to 10 kHz, where the tone is."""
    spectrum = np.abs(np.fft.rfft(audio)) ** 2
    edges = (np.arange(11) * 1000 * len(audio) / RATE).astype(int)
    return 10 * np.log10([spectrum[a:b].sum() + 1e-12 for a, b in itertools.pairwise(edges)])


def test_stretching_at_the_rate_it_was_made_at_matches_stretching_at_48k():
    take = voiced(3.0)
    target = round(len(take) * 0.93)
    at_48k = stretch_to(take, RATE, target)
    at_24k = stretch_to(take, RATE, target, made_at=24_000)
    assert len(at_24k) == len(at_48k) == target and at_24k.dtype == np.float32
    assert abs(pitch(at_24k) - pitch(take)) < 2.0
    change = {name: np.max(np.abs(band_levels(audio) - band_levels(take))) for name, audio in
              (("48k", at_48k), ("24k", at_24k))}
    assert change["24k"] < 2.0 and change["24k"] <= change["48k"] + 0.5, change


def test_fit_line_stretches_at_the_synthesizers_rate():
    take = voiced(2.1)
    audio, fit = fit_line(lambda text, speed: take, "hola", slot=2 * RATE, gap=RATE, strategy=Strategy.STRETCH,
                          made_at=24_000)
    assert len(audio) == 2 * RATE == fit.length and fit.stretch < 1.0
    assert abs(pitch(audio) - pitch(take)) < 2.0
