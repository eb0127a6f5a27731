"""The sync score: the speech envelope per video frame, and its correlation with the mouth opening."""

from fractions import Fraction

import numpy as np
import pytest

from dubstudio.lipsync.score import speech_envelope, sync_score


def bursts(pattern: list[int], fps: int = 25, rate: int = 16_000) -> np.ndarray:
    """A tone for each 1 and silence for each 0, one video frame each."""
    per_frame = rate // fps
    t = np.arange(per_frame) / rate
    tone = 0.3 * np.sin(2 * np.pi * 220 * t)
    return np.concatenate([tone * on for on in pattern]).astype(np.float32)


def test_the_envelope_is_one_per_frame_high_in_speech_and_zero_in_silence():
    pattern = [0, 0, 1, 1, 1, 0, 0, 0, 1, 1, 0, 0]
    envelope = speech_envelope(bursts(pattern), Fraction(25), len(pattern))
    assert envelope.shape == (12,) and envelope.dtype == np.float32
    assert envelope[[3, 8]].min() > 0.9 and envelope[[0, 6]].max() == 0.0
    # audio shorter than the frames: the missing frames are silent
    assert speech_envelope(bursts(pattern), Fraction(25), 20)[15:].max() == 0.0


def test_the_score_is_the_best_correlation_over_small_lags_and_ignores_frames_without_a_face():
    rng = np.random.default_rng(6)
    envelope = rng.uniform(0, 1, 200)
    late = np.concatenate([[0.0, 0.0], envelope[:-2]])  # the mouth follows two frames late
    assert sync_score(late, envelope) == pytest.approx(1.0, abs=0.02)
    assert sync_score(late, envelope, max_lag_frames=0) < 0.3
    assert abs(sync_score(rng.uniform(0, 1, 200), envelope)) < 0.3
    holes = envelope.copy()
    holes[::7] = np.nan
    assert sync_score(holes, envelope) == pytest.approx(1.0)
    assert sync_score(np.full(200, 0.1), envelope) == 0.0  # a mouth that never moves
    assert sync_score(np.full(200, np.nan), envelope) == 0.0
