"""Fitting a take to its slot: each strategy, the limits, and the figures stored with the take.

The synthesizer here is a stand-in whose length follows its speed exactly, so the fitting logic
around it is what is tested; rubberband is the real program.
"""

import numpy as np
import pytest

from dubstudio.voices.fitting import GUARD, RATE, Limits, Strategy, fit_line


class FakeVoice:
    """A voice whose takes last len(text) * 0.1 s at speed 1, and proportionally less when faster."""

    def __init__(self):
        self.calls = []

    def __call__(self, text: str, speed: float) -> np.ndarray:
        self.calls.append((text, speed))
        n = round(len(text) * 0.1 * RATE / speed)
        t = np.arange(n) / RATE
        return (0.3 * np.sin(2 * np.pi * 220 * t)).astype(np.float32)


def seconds(x: float) -> int:
    return round(x * RATE)


def test_a_take_that_fits_is_left_at_its_natural_pace():
    voice = FakeVoice()
    audio, fit = fit_line(voice, "a" * 20, slot=seconds(2.5), gap=seconds(1))
    assert len(audio) == seconds(2.0) and fit.fits and fit.tempo == 1.0 and fit.borrowed == 0
    assert voice.calls == [("a" * 20, 1.0)]


def test_slightly_long_is_stretched_to_end_exactly_on_the_slot():
    voice = FakeVoice()
    audio, fit = fit_line(voice, "a" * 21, slot=seconds(2.0), gap=seconds(1))  # 2.1 s natural: 1.05x
    assert len(audio) == seconds(2.0) and fit.fits and fit.borrowed == 0
    assert fit.speed == 1.0 and fit.stretch == pytest.approx(2.0 / 2.1, abs=1e-3), "5% is a transparent stretch"
    assert fit.tempo == pytest.approx(1.05, abs=1e-3)
    assert len(voice.calls) == 1


def test_a_bigger_change_is_made_by_the_synthesizer_speed():
    voice = FakeVoice()
    audio, fit = fit_line(voice, "a" * 28, slot=seconds(2.0), gap=seconds(1.0))  # 2.8 s: 1.10x into the gap
    assert fit.fits and fit.speed == pytest.approx(1.1, abs=1e-3) and voice.calls[-1][1] == fit.speed
    assert len(audio) == fit.length


def test_a_good_estimate_renders_the_line_once_at_the_right_speed():
    voice = FakeVoice()
    _, fit = fit_line(voice, "a" * 28, slot=seconds(2.0), gap=seconds(1.0), estimate=seconds(2.75))
    assert len(voice.calls) == 1 and voice.calls[0][1] > 1.05
    assert fit.fits and fit.natural == pytest.approx(seconds(2.8), abs=2)
    assert fit.tempo == pytest.approx(1.1, abs=1e-3)


def test_a_wrong_estimate_costs_a_second_render_not_a_wrong_take():
    voice = FakeVoice()
    _, fit = fit_line(voice, "a" * 16, slot=seconds(2.0), gap=seconds(0.5), estimate=seconds(3.0))
    assert fit.fits and fit.tempo == pytest.approx(1.0, abs=1e-3), "1.6 s fits at its natural pace"
    assert [speed for _, speed in voice.calls] == [1.2, 1.0]  # 3.0 s would not fit: rendered at 1.2x


def test_longer_borrows_the_gap_at_a_comfortable_pace_without_reaching_the_next_line():
    _, fit = fit_line(FakeVoice(), "a" * 25, slot=seconds(2.0), gap=seconds(1.0))  # 2.5 s: 1.25x
    assert fit.fits and fit.tempo == pytest.approx(1.10, abs=1e-3)
    assert 0 < fit.borrowed <= seconds(1.0) - GUARD
    assert fit.length == fit.slot + fit.borrowed


def test_a_small_gap_is_filled_up_to_the_guard_at_up_to_1_2x():
    _, fit = fit_line(FakeVoice(), "a" * 25, slot=seconds(2.0), gap=seconds(0.2))  # room 2.1 s
    assert fit.fits and fit.length == seconds(2.1) and fit.tempo <= 1.2


def test_too_long_takes_the_shortest_candidate_that_fits():
    long_text, short = "a" * 40, "b" * 22
    voice = FakeVoice()
    _, fit = fit_line(voice, long_text, slot=seconds(2.0), gap=seconds(0.1), candidates=[long_text, "c" * 30, short])
    assert fit.candidate == 2 and fit.fits
    assert fit.natural == seconds(2.2) and fit.tempo == pytest.approx(1.10, abs=1e-3)


def test_when_the_gap_after_is_used_up_the_line_starts_early_by_at_most_300_ms():
    # 3.0 s of speech, 2.0 s slot, 0.3 s gap after (0.2 usable): 1.36x without a lead
    _, fit = fit_line(FakeVoice(), "a" * 30, slot=seconds(2.0), gap=seconds(0.3), lead=seconds(1.0))
    assert fit.fits and fit.tempo <= 1.2
    assert -seconds(0.3) <= fit.offset < 0
    assert fit.length == fit.slot + fit.borrowed - fit.offset
    _, tight = fit_line(FakeVoice(), "a" * 30, slot=seconds(2.0), gap=seconds(0.3), lead=seconds(0.15))
    assert not tight.fits and tight.offset == -seconds(0.05), "never within 100 ms of the previous line"


def test_a_line_that_fits_after_it_never_starts_early():
    _, fit = fit_line(FakeVoice(), "a" * 25, slot=seconds(2.0), gap=seconds(1.0), lead=seconds(1.0))
    assert fit.offset == 0


def test_with_no_way_to_fit_it_is_as_fast_as_allowed_and_flagged():
    _, fit = fit_line(FakeVoice(), "a" * 40, slot=seconds(2.0), gap=seconds(0.5))
    assert not fit.fits and fit.tempo == pytest.approx(1.2, abs=1e-3)
    assert fit.over == fit.length - (seconds(2.0) + seconds(0.5) - GUARD)
    assert any("over by" in note for note in fit.notes)


def test_explicit_stretch_fills_the_slot_within_the_limits_and_uses_rubberband_only():
    voice = FakeVoice()
    audio, fit = fit_line(voice, "a" * 18, slot=seconds(2.0), gap=0, strategy=Strategy.STRETCH)
    assert len(audio) == seconds(2.0) and fit.speed == 1.0 and fit.stretch == pytest.approx(2.0 / 1.8, abs=1e-3)
    assert len(voice.calls) == 1
    _, clamped = fit_line(FakeVoice(), "a" * 10, slot=seconds(2.0), gap=0, strategy="stretch")
    assert clamped.tempo == pytest.approx(0.85, abs=1e-3), "never slower than the limit"


def test_leave_keeps_the_natural_take_and_reports_the_overlap():
    _, fit = fit_line(FakeVoice(), "a" * 30, slot=seconds(2.0), gap=seconds(0.5), strategy=Strategy.LEAVE)
    assert fit.length == seconds(3.0) and not fit.fits and fit.tempo == 1.0


def test_limits_are_configurable():
    _, fit = fit_line(FakeVoice(), "a" * 26, slot=seconds(2.0), gap=0, limits=Limits(fastest=1.3))
    assert fit.fits and fit.tempo == pytest.approx(1.3, abs=1e-3)


def test_stretched_audio_keeps_its_pitch():
    audio, fit = fit_line(FakeVoice(), "a" * 18, slot=seconds(2.0), gap=0, strategy=Strategy.STRETCH)
    spectrum = np.abs(np.fft.rfft(audio[RATE // 2: RATE // 2 + RATE]))
    assert abs(np.argmax(spectrum) - 220) <= 2, "220 Hz in, 220 Hz out"


def test_the_projects_fit_strategy_names_map_to_the_fitters():
    from dubstudio.errors import DubStudioError
    from dubstudio.project import FIT_STRATEGIES
    from dubstudio.voices.fitting import PROJECT_STRATEGIES

    assert Strategy.named("rate") is Strategy.SPEED and Strategy.named("none") is Strategy.LEAVE
    assert Strategy.named("rewrite") is Strategy.SHORTER and Strategy.named(None) is Strategy.AUTO
    assert Strategy.named("speed") is Strategy.SPEED  # the fitter's own names, as older journals hold them
    assert set(PROJECT_STRATEGIES) == set(FIT_STRATEGIES) - {"retime_shot"}
    with pytest.raises(DubStudioError, match="retime_shot"):
        Strategy.named("retime_shot")
