"""Waveform summaries: what a view asks for ([a, b) at N pixels) is right at every zoom, however the
audio arrived; the decoded copy and its summary are cached by content hash."""

import itertools

import numpy as np
import pytest
import soundfile

from dubstudio.media import PROJECT_RATE, Waveform, WaveformBuilder, decode_audio, load_audio, waveform_of
from dubstudio.media.waveform import BLOCK_SIZES

RNG = np.random.default_rng(11)
# noise under a rising envelope: every block differs, and peaks grow towards the end
AUDIO = (RNG.standard_normal((300_001, 2)) * np.linspace(0.01, 0.3, 300_001)[:, None]).astype(np.float32)


def exact(audio: np.ndarray, start: int, stop: int, pixels: int, grow: int = 0):
    """min/max/rms per pixel from the samples themselves, channels merged; grow widens each pixel."""
    edges = start + (np.arange(pixels + 1) * (stop - start)) // pixels
    out = np.full((3, pixels), np.nan)
    for i in range(pixels):
        first, last = max(edges[i] - grow, 0), min(max(edges[i + 1], edges[i] + 1) + grow, len(audio))
        if 0 <= edges[i] < len(audio) or edges[i] < 0 < edges[i + 1]:
            part = audio[first:last].astype(np.float64)
            out[:, i] = part.min(), part.max(), np.sqrt(np.mean(part ** 2))
    return out


def test_blocks_of_any_size_give_the_same_summary():
    whole = Waveform.from_array(AUDIO, PROJECT_RATE)
    builder = WaveformBuilder(2, PROJECT_RATE)
    cuts = [0, 1, 256, 259, 1000, 65_536, 70_000, 200_000, len(AUDIO)]
    for a, b in itertools.pairwise(cuts):
        builder.add(AUDIO[a:b])
    pieces = builder.finish()
    assert [level.size for level in whole.levels] == list(BLOCK_SIZES)
    assert len(whole.levels[0].min) == -(-len(AUDIO) // 256) and len(whole.levels[1].min) == 5
    for a, b in zip(whole.levels, pieces.levels):
        assert np.array_equal(a.min, b.min) and np.array_equal(a.max, b.max)
        assert np.allclose(a.rms, b.rms, rtol=1e-5)


@pytest.mark.parametrize("start, stop, pixels", [
    (0, 300, 1000),             # more pixels than samples: one sample each
    (1000, 2000, 7),            # a few hundred samples a pixel
    (-500, 1500, 10),           # before the start: no audio there
    (299_000, 301_000, 40),     # past the end
])
def test_close_zooms_are_exact(start, stop, pixels):
    peaks = Waveform.from_array(AUDIO, PROJECT_RATE).span(start, stop, pixels)
    expected = exact(AUDIO, start, stop, pixels)
    for got, want in zip((peaks.min, peaks.max, peaks.rms), expected):
        assert np.array_equal(np.isnan(got), np.isnan(want))
        assert np.allclose(got, want, equal_nan=True, atol=1e-6)


@pytest.mark.parametrize("start, stop, pixels", [(0, 300_001, 200), (0, 300_001, 3), (-100_000, 250_000, 17)])
def test_far_zooms_stay_within_a_block_of_the_truth(start, stop, pixels):
    peaks = Waveform.from_array(AUDIO, PROJECT_RATE).span(start, stop, pixels)
    inner, outer = exact(AUDIO, start, stop, pixels), exact(AUDIO, start, stop, pixels, grow=256)
    shown = ~np.isnan(inner[0])
    assert np.array_equal(shown, ~np.isnan(peaks.min))
    assert np.all(peaks.min[shown] >= outer[0][shown] - 1e-6) and np.all(peaks.max[shown] <= outer[1][shown] + 1e-6)
    assert np.allclose(peaks.rms[shown], inner[2][shown], rtol=0.05)


def test_the_whole_view_keeps_every_peak():
    peaks = Waveform.from_array(AUDIO, PROJECT_RATE).span(0, len(AUDIO), 3)
    assert peaks.max.max() == AUDIO.max() and peaks.min.min() == AUDIO.min()


def test_one_channel_or_all():
    wave = Waveform.from_array(AUDIO, PROJECT_RATE)
    left, both = wave.span(0, 2048, 8, channel=0), wave.span(0, 2048, 8)
    assert np.allclose(left.max, exact(AUDIO[:, :1], 0, 2048, 8)[1])
    assert np.all(both.max >= left.max) and np.all(both.min <= left.min)


def test_a_summary_survives_saving(tmp_path):
    wave = Waveform.from_array(AUDIO, PROJECT_RATE)
    wave.save(tmp_path / "summary.npz")
    again = Waveform.load(tmp_path / "summary.npz")
    assert (again.rate, again.samples, again.channels) == (PROJECT_RATE, len(AUDIO), 2)
    far = again.span(0, len(AUDIO), 50)  # no reader needed this far out
    assert np.array_equal(far.max, wave.span(0, len(AUDIO), 50).max)


def test_decoded_audio_is_cached_exact_and_summarised(video_25):
    calls = []
    decoded = decode_audio(video_25, progress=lambda step, done, total: calls.append((done, total)))
    assert calls and calls[-1][0] == calls[-1][1] and all(a <= b for (a, _), (b, _) in itertools.pairwise(calls))
    direct = load_audio(video_25)
    assert (decoded.rate, decoded.channels, decoded.samples) == (PROJECT_RATE, 2, len(direct))
    assert np.array_equal(decoded.read(1000, 5000), direct[1000:5000])
    edge = decoded.read(decoded.samples - 10, decoded.samples + 10)  # zeros past the end
    assert edge.shape == (20, 2) and not edge[10:].any() and np.array_equal(edge[:10], direct[-10:])
    near = decoded.waveform.span(4000, 4400, 100)  # close: read from the WAV
    assert np.allclose(near.max, exact(direct, 4000, 4400, 100)[1])
    assert np.array_equal(waveform_of(video_25).span(0, decoded.samples, 30).max,
                          Waveform.from_array(direct, PROJECT_RATE).span(0, decoded.samples, 30).max)
    again = []
    assert decode_audio(video_25, progress=lambda *a: again.append(a)).wav == decoded.wav
    assert again == []  # from the cache: nothing decoded
    assert soundfile.info(str(decoded.wav)).subtype == "FLOAT"
