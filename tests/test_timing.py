"""Exact timing: samples <-> frames <-> SMPTE timecode, drop-frame, rational rates."""

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dubstudio import timing
from dubstudio.timing import TimingError

NTSC = Fraction(30000, 1001)
NTSC60 = Fraction(60000, 1001)
RATES = [Fraction(24000, 1001), Fraction(24), Fraction(25), NTSC, Fraction(30), Fraction(50), NTSC60,
         Fraction(60), Fraction(25, 2)]
rates = st.sampled_from(RATES)
frames = st.integers(min_value=0, max_value=48 * 3600 * 60)  # two days at 60 fps
samples = st.integers(min_value=0, max_value=48 * 3600 * 48_000)


@settings(deadline=None, max_examples=300)
@given(rates, frames)
def test_frame_timecode_frame_round_trip(rate, frame):
    assert timing.timecode_to_frame(timing.frame_to_timecode(frame, rate), rate) == frame


@settings(deadline=None, max_examples=300)
@given(rates, frames)
def test_frame_samples_frame_round_trip(rate, frame):
    first = timing.frame_to_samples(frame, rate)
    assert timing.samples_to_frame(first, rate) == frame
    # and it is the first: the sample before belongs to the previous frame
    assert timing.samples_to_frame(first - 1, rate) == frame - 1


@settings(deadline=None, max_examples=300)
@given(rates, samples)
def test_every_sample_lies_inside_its_frame(rate, sample):
    frame = timing.samples_to_frame(sample, rate)
    assert timing.frame_to_samples(frame, rate) <= sample < timing.frame_to_samples(frame + 1, rate)
    # exactly: frame N starts at N / rate seconds
    assert Fraction(frame) / rate <= Fraction(sample, timing.SAMPLE_RATE) < Fraction(frame + 1) / rate


@settings(deadline=None, max_examples=300)
@given(rates, samples)
def test_samples_timecode_samples_lands_on_the_frame_start(rate, sample):
    label = timing.samples_to_timecode(sample, rate)
    start = timing.timecode_to_samples(label, rate)
    assert start <= sample
    assert timing.samples_to_frame(start, rate) == timing.samples_to_frame(sample, rate)


@settings(deadline=None, max_examples=300)
@given(st.sampled_from([NTSC, NTSC60]), frames)
def test_drop_frame_timecode_stays_within_a_few_frames_of_clock_time(rate, frame):
    label = timing.frame_to_timecode(frame, rate)
    hours, minutes, seconds, rest = label.replace(";", ":").split(":")
    base = timing.timecode_base(rate)
    labelled = (int(hours) * 3600 + int(minutes) * 60 + int(seconds)) + Fraction(int(rest), base)
    clock = Fraction(frame) / rate
    # within a minute the labels fall behind by up to the labels dropped at its end (2 frames' time);
    # over hours drop-frame gains 3.6 ms an hour (18 labels dropped per 17.982 frames lost)
    assert abs(labelled - clock) <= Fraction(2, 30) + clock * Fraction(36, 10_000 * 3600)


@pytest.mark.parametrize("rate", [NTSC, NTSC60])
def test_drop_frame_labels_are_the_real_labels_in_order(rate):
    """Against a brute-force enumeration of every valid label in the first 21 minutes."""
    base, drop = timing.timecode_base(rate), timing.timecode_base(rate) // 15
    separator = ";"
    expected = []
    for minute in range(21):
        for second in range(60):
            for frame in range(base):
                if second == 0 and frame < drop and minute % 10:
                    continue
                expected.append(f"00:{minute:02d}:{second:02d}{separator}{frame:02d}")
    assert [timing.frame_to_timecode(n, rate) for n in range(len(expected))] == expected


@pytest.mark.parametrize("rate, frame, label", [
    (NTSC, 1799, "00:00:59;29"),
    (NTSC, 1800, "00:01:00;02"),
    (NTSC, 17982, "00:10:00;00"),
    (NTSC, 107892, "01:00:00;00"),
    (NTSC60, 3600, "00:01:00;04"),
    (NTSC60, 215784, "01:00:00;00"),
    (Fraction(25), 90000, "01:00:00:00"),
    (Fraction(24000, 1001), 86400, "01:00:00:00"),  # 23.976 counts 24 labels a second, no drop
    (Fraction(25), 25 * 3600 * 25, "25:00:00:00"),  # no wrap at 24 h
])
def test_known_labels(rate, frame, label):
    assert timing.frame_to_timecode(frame, rate) == label
    assert timing.timecode_to_frame(label, rate) == frame


def test_an_hour_of_drop_frame_is_an_hour_of_clock_time_within_a_frame():
    frame = timing.timecode_to_frame("01:00:00;00", NTSC)
    one_frame = timing.frame_to_samples(1, NTSC)
    assert abs(timing.frame_to_samples(frame, NTSC) - 3600 * timing.SAMPLE_RATE) < one_frame


def test_either_separator_is_read():
    assert timing.timecode_to_frame("00:01:00:02", NTSC) == timing.timecode_to_frame("00:01:00;02", NTSC)


@pytest.mark.parametrize("label, rate", [
    ("00:01:00;00", NTSC),      # skipped by drop-frame
    ("00:01:00;01", NTSC),
    ("00:02:00;03", NTSC60),
    ("00:00:00:25", Fraction(25)),
    ("00:60:00:00", Fraction(25)),
    ("00:00:60:00", Fraction(25)),
    ("1:2:3", Fraction(25)),
    ("-00:00:01:00", Fraction(25)),
    ("", Fraction(25)),
])
def test_labels_that_do_not_exist_are_refused(label, rate):
    with pytest.raises(TimingError):
        timing.timecode_to_frame(label, rate)


def test_the_tenth_minute_keeps_its_first_labels():
    assert timing.timecode_to_frame("00:10:00;00", NTSC) == 17982


def test_negative_frames_have_no_timecode():
    with pytest.raises(TimingError):
        timing.frame_to_timecode(-1, Fraction(25))


@pytest.mark.parametrize("text, rate", [
    ("25", Fraction(25)), ("30000/1001", NTSC), ("29.97", NTSC), ("23.976", Fraction(24000, 1001)),
    ("23.98", Fraction(24000, 1001)), ("59.94", NTSC60), ("12.5", Fraction(25, 2)), (24, Fraction(24)),
    (NTSC, NTSC),
])
def test_frame_rates_are_read_exactly(text, rate):
    assert timing.parse_frame_rate(text) == rate


@pytest.mark.parametrize("text", ["fast", "0", "-25", "1/0", "5000"])
def test_bad_frame_rates_are_refused_in_one_sentence(text):
    with pytest.raises(TimingError, match=r"^.*: .*\.$"):
        timing.parse_frame_rate(text)


def test_float_frame_rates_are_refused():
    with pytest.raises(TypeError):
        timing.parse_frame_rate(29.97)


@pytest.mark.parametrize("rate", RATES)
def test_format_frame_rate_reads_back(rate):
    assert timing.parse_frame_rate(timing.format_frame_rate(rate)) == rate
