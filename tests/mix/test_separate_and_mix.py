"""Separation against the sample's true stems; the mix's placement, ducking, loudness and peaks."""

import numpy as np
import pytest
import soundfile

from dubstudio.mix.loudness import PRESETS, integrated, true_peak_db
from dubstudio.mix.mixer import EDGE_FADE, Placed, dialogue_bus, duck_gain, mix
from dubstudio.mix.separate import separate

RATE = 48_000


def db(x) -> float:
    return float(10 * np.log10(np.mean(np.square(x)) + 1e-12))


@pytest.fixture(scope="module")
def stems(sample_clip):
    dialogue, _ = soundfile.read(sample_clip.dialogue, dtype="float32")
    music, _ = soundfile.read(sample_clip.music, dtype="float32")
    spans = [(line["start"], line["end"]) for line in sample_clip.info["lines"]]
    inside = np.zeros(len(dialogue), bool)
    for start, end in spans:
        inside[start:end] = True
    return dialogue, music, spans, inside


@pytest.mark.slow
def test_separation_takes_the_dialogue_out_and_leaves_the_music(stems, figures):
    dialogue, music, spans, inside = stems
    result = separate(dialogue[:, None] + music, spans)
    leak = db(dialogue[inside]) - db((result.music_effects - music)[inside])
    figures("separation: dialogue removed from the M&E", f"{leak:.1f} dB", "more is better")
    assert leak > 12
    assert db((result.music_effects - music)[~inside]) < -50, "between lines the M&E is untouched"
    assert db(dialogue) - db(result.dialogue - dialogue) > 12, "the dialogue stem is mostly dialogue"
    assert abs(result.residual_db) < 2.0
    # and the report notices when nothing was taken out
    untouched = separate(dialogue[:, None] + music, [])
    assert untouched.dialogue.std() == 0


def test_takes_land_on_their_exact_sample_with_faded_edges():
    take = np.ones(RATE // 10, np.float32)
    bus = dialogue_bus([Placed(12_345, take)], RATE)
    assert bus[12_344] == 0 and bus[12_345] == 0 and bus[12_346] > 0
    assert bus[12_345 + EDGE_FADE] == 1.0
    assert np.count_nonzero(bus) == len(take) - 2
    assert bus[12_345 + len(take) - 1] == 0.0


def test_the_bed_ducks_under_the_dialogue_and_recovers():
    bus = np.zeros(3 * RATE, np.float32)
    bus[RATE:2 * RATE] = 0.2
    gain = 20 * np.log10(duck_gain(bus, -6.0))
    assert gain[RATE // 2] > -0.1, "no dip long before the line"
    assert gain[RATE + RATE // 2] == pytest.approx(-6.0, abs=0.2)
    assert gain[RATE - RATE // 100] < -3.0, "the dip is under way before the first word (look-ahead)"
    assert gain[2 * RATE + RATE // 10] < -2.0 and gain[3 * RATE - 1] > -0.5, "a gentle release"


@pytest.mark.parametrize("name", ["ebu", "atsc", "web"])
def test_each_preset_hits_its_loudness_and_stays_under_its_peak_ceiling(stems, name):
    dialogue, music, spans, _ = stems
    takes = [Placed(start, dialogue[start:end] * 4.0) for start, end in spans]  # hot takes: the limiter works
    preset = PRESETS[name]
    result = mix(music, takes, preset)
    assert len(result.audio) == len(music)
    assert abs(integrated(result.audio) - preset.lufs) <= 0.5
    assert true_peak_db(result.audio) <= preset.true_peak
    assert np.max(np.abs(result.audio)) < 1.0
