"""The live dub mix the editor plays: the master's mix (before loudness) read a block at a time, following
edits, with lanes to mute and solo."""

from fractions import Fraction

import numpy as np
import pytest
import soundfile

from dubstudio import timing
from dubstudio.mix.live import (
    DIALOGUE,
    EFFECTS,
    ORIGINAL,
    LiveMix,
    playback_sources,
    speaker_lane,
    take_program,
)
from dubstudio.mix.mixer import Placed, dialogue_bus, duck_gain, take_start
from dubstudio.mix.stems import cached_stems, stem_paths
from dubstudio.project import NewLine, OpChanges, Project

RATE = timing.SAMPLE_RATE
LENGTH = 12 * RATE


def tone(seconds: float, frequency: float = 440.0, level: float = 0.4) -> np.ndarray:
    t = np.arange(round(seconds * RATE)) / RATE
    return (level * np.sin(2 * np.pi * frequency * t)).astype(np.float32)


def effects_bed() -> np.ndarray:
    rng = np.random.default_rng(7)
    return (0.05 * rng.standard_normal((LENGTH, 2))).astype(np.float32)


@pytest.fixture
def project(tmp_path):
    """Two speakers, three lines with chosen Spanish takes (one starts 200 ms early), one line without."""
    project = Project.create(tmp_path / "live.dubproj", source_language="en", target_languages=["es"],
                             frame_rate="25")
    alice, bob = project.add_speaker("Alice"), project.add_speaker("Bob")
    project.add_lines([NewLine(1 * RATE, 3 * RATE, "One.", alice), NewLine(4 * RATE, 6 * RATE, "Two.", bob),
                       NewLine(RATE * 69 // 10, 9 * RATE, "Three.", alice), NewLine(10 * RATE, 11 * RATE, "Four.", bob)])
    lines = project.lines()
    project.set_machine_translations("es", {line.id: f"Línea {line.number}." for line in lines})
    for line, (seconds, frequency, offset) in zip(lines[:3], [(1.5, 300, 0), (2.5, 500, 0), (1.0, 700, -RATE // 5)],
                                                  strict=True):
        audio = tone(seconds, frequency)
        project.add_take(line.id, "es", audio, RATE, text="x", backend="test", choose=True,
                         fit={"offset": offset, "length": len(audio), "slot": line.end - line.start})
    yield project
    project.close()


def master_mix(project, effects: np.ndarray) -> np.ndarray:
    """What dubstudio.mix.mixer.mix computes before loudness: the bed ducked under the dialogue bus."""
    translations = project.translations("es")
    placed = []
    for line in project.lines():
        chosen = translations[line.id].chosen_take_id
        if chosen is not None:
            take = project.take(chosen)
            samples, _ = project.load_audio(take.audio_hash)
            placed.append(Placed(take_start(line, take), samples))
    bus = dialogue_bus(placed, len(effects))
    return effects * duck_gain(bus)[:, None] + bus[:, None]


def read_all(mix: LiveMix, length: int, blocks=(719, 4801, 37, 48000, 1)) -> np.ndarray:
    """The whole programme in uneven blocks that straddle the mix's internal one-second chunks."""
    out, position, k = [], 0, 0
    while position < length:
        count = min(blocks[k % len(blocks)], length - position)
        out.append(mix.read(position, count))
        position, k = position + count, k + 1
    return np.concatenate(out)


def test_the_live_mix_is_the_masters_mix_before_loudness(project):
    effects = effects_bed()
    live = LiveMix(project, "es", effects=effects, dialogue=np.zeros(LENGTH, np.float32))
    heard = read_all(live, LENGTH)
    expected = master_mix(project, effects)
    assert heard.shape == (LENGTH, 2)
    assert np.abs(heard - expected).max() < 1e-4
    assert live.length == LENGTH
    # outside the programme: silence, not an error
    assert not live.read(-500, 400).any() and not live.read(LENGTH + 10, 100).any()


def test_a_take_is_heard_within_one_frame_of_its_place(project):
    live = LiveMix(project, "es", effects=None, dialogue=None)
    frame = timing.frame_to_samples(1, Fraction(25))
    for line in project.lines()[:3]:
        take = project.take(project.translation(line.id, "es").chosen_take_id)
        at = take_start(line, take)
        around = live.read(at - RATE // 10, RATE // 2)[:, 0]  # the previous take ends 200 ms before the third
        assert not around[:RATE // 10 - 2].any()
        onset = at - RATE // 10 + int(np.argmax(np.abs(around) > 0.05))
        assert abs(onset - at) < frame
        assert take.fit["offset"] == 0 or onset < line.start - RATE // 10  # the early one is early


def test_mute_and_solo_change_what_is_heard(project):
    effects = effects_bed()
    source = (0.1 * np.ones(LENGTH, np.float32))  # the original dialogue: a constant, easy to tell apart
    live = LiveMix(project, "es", effects=effects, dialogue=source)
    alice, bob = (speaker_lane(speaker.id) for speaker in project.speakers())
    assert live.lanes == [DIALOGUE, EFFECTS, alice, bob]
    assert live.muted(DIALOGUE)  # a dub plays the dub, not the original dialogue under it
    second = project.lines()[1]  # Bob's line, 4 s to 6.5 s
    window = slice(second.start + RATE // 2, second.start + RATE)

    def block():
        return live.read(window.start, window.stop - window.start)

    everything = block()
    live.set_muted(bob, True)
    without_bob = block()
    assert np.abs(everything - without_bob).max() > 0.2  # Bob's 500 Hz tone went
    live.set_muted(bob, False)
    live.set_solo(EFFECTS, True)
    only_effects = block()
    gain = duck_gain(dialogue_bus([Placed(4 * RATE, tone(2.5, 500))], LENGTH))[window]
    assert np.allclose(only_effects, effects[window] * gain[:, None], atol=1e-5)  # still ducked, as in the master
    live.set_solo(bob, True)
    assert np.abs(block() - everything).max() < 1e-5  # Bob and the effects are all there is here
    live.set_solo(EFFECTS, False)
    live.set_solo(bob, False)
    live.set_muted(DIALOGUE, False)
    assert np.allclose(block(), everything + 0.1, atol=1e-5)

    original = LiveMix(project, ORIGINAL, effects=effects, dialogue=source)
    assert original.lanes == [DIALOGUE, EFFECTS]
    assert np.allclose(original.read(window.start, 100), effects[window.start:window.start + 100] + 0.1, atol=1e-6)


def test_an_edit_reloads_only_the_lines_it_changed(project, monkeypatch):
    live = LiveMix(project, "es", effects=None, dialogue=None)
    read_all(live, LENGTH)  # every take heard once: all cached
    loads = []
    load_audio = project.load_audio
    monkeypatch.setattr(project, "load_audio", lambda digest: loads.append(digest) or load_audio(digest))
    first, second, third, fourth = project.lines()
    project.add_lines([NewLine(11 * RATE, 12 * RATE, "Five.", None)])  # untranslated: no take
    fifth = project.lines()[4]

    # a new take for line 1, chosen: only that line reloads, and the new take is heard
    higher = tone(1.0, 1000)
    take_id = project.add_take(first.id, "es", higher, RATE, text="x", backend="test", choose=True,
                               fit={"length": len(higher)})
    live.apply_changes(OpChanges(takes=frozenset({(first.id, "es")}), translations=frozenset({(first.id, "es")})))
    assert np.allclose(live.read(first.start + RATE // 2, 4)[:, 0], higher[RATE // 2:RATE // 2 + 4], atol=1e-6)
    assert loads == [project.take(take_id).audio_hash]

    # retiming line 2 moves its take; nothing is loaded again
    loads.clear()
    changes = project.retime_line(second.id, second.start + RATE // 4, second.end + RATE // 4)
    live.apply_changes(changes)
    assert not live.read(second.start, RATE // 5).any()
    assert np.abs(live.read(second.start + RATE // 4 + 100, 100)).max() > 0.1
    assert loads == []

    # a whole stage ran (the session cannot say which lines changed): everything is placed again
    project.add_take(fourth.id, "es", higher, RATE, text="x", backend="test", choose=True, fit={"length": len(higher)})
    live.apply_changes(OpChanges(line_order=True))
    assert np.abs(live.read(fourth.start + 100, 100)).max() > 0.1
    loads.clear()

    # a line of another language, or with no take, changes nothing
    live.apply_changes(OpChanges(translations=frozenset({(third.id, "fr"), (fifth.id, "es")})))
    assert loads == []


def test_one_take_alone_for_a_b_comparison():
    audio = tone(0.5, 600)
    program = take_program(audio, 3 * RATE)
    assert program.length == 3 * RATE + len(audio)
    block = program.read(3 * RATE - 100, 1000)
    assert block.shape == (1000, 2) and not block[:100].any()
    assert np.array_equal(block[:, 0], block[:, 1])
    assert np.allclose(block[400:, 0], audio[300:900], atol=1e-6)  # past the 5 ms fade-in


def test_stems_are_played_from_the_cache_without_separating(project, tmp_path):
    video = tmp_path / "source.wav"
    soundfile.write(video, np.zeros((LENGTH, 2), np.float32), RATE)
    project.set_source_media(video, {"duration": "12"})
    assert cached_stems(project) is None
    effects = effects_bed()
    dialogue = tone(12.0, 200, 0.2)
    me_path, dialogue_path, info = stem_paths(project, None)
    soundfile.write(me_path, effects, RATE, subtype="PCM_24")
    soundfile.write(dialogue_path, dialogue, RATE, subtype="PCM_24")
    info.write_text('{"residual_db": -30}')
    assert cached_stems(project) == (me_path, dialogue_path)
    assert cached_stems(project, demucs="/another/separator") is None

    from_files = LiveMix(project, "es", **dict(zip(("effects", "dialogue"), playback_sources(project), strict=True)))
    from_arrays = LiveMix(project, "es", effects=soundfile.read(me_path, dtype="float32")[0],
                          dialogue=soundfile.read(dialogue_path, dtype="float32")[0])
    for live in (from_files, from_arrays):
        live.set_muted(DIALOGUE, False)
    assert np.array_equal(read_all(from_files, LENGTH), read_all(from_arrays, LENGTH))
