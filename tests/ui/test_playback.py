"""The Player: a real-time clock with or without a sound card, J/K/L rates, ranges, loops, one take alone,
and the dub heard where the timeline says (within one frame)."""

import time
from fractions import Fraction

import numpy as np
import pytest
from dubstudio.ui.playback import Player, SilentClock

from dubstudio import timing
from dubstudio.mix.live import LiveMix
from dubstudio.project import NewLine, Project

pytestmark = pytest.mark.gui

RATE = timing.SAMPLE_RATE


class Recorder(SilentClock):
    """The silent clock, keeping what a sound card would have been given (this machine has none)."""

    renders = True

    def __init__(self):
        super().__init__()
        self.blocks: list[np.ndarray] = []

    def write(self, block: np.ndarray) -> None:
        self.blocks.append(np.array(block))

    @property
    def audio(self) -> np.ndarray:
        return np.concatenate(self.blocks) if self.blocks else np.zeros((0, 2), np.float32)


class Ramp:
    """A program whose every sample says its own position (both channels)."""

    length = 100 * RATE

    def read(self, start: int, count: int) -> np.ndarray:
        return np.repeat(np.arange(start, start + count, dtype=np.float64)[:, None], 2, axis=1)


def run_for(qapp, seconds: float, until=lambda: False) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and not until():
        qapp.processEvents()
        time.sleep(0.002)


@pytest.fixture
def player(qapp):
    player = Player()
    yield player
    player.pause()
    player.deleteLater()


def test_without_a_sound_card_the_clock_runs_in_real_time_and_stops_on_pause(qapp, player):
    assert player.silent  # this machine and CI have no audio device
    player.set_program(Ramp())
    positions, states = [], []
    player.positionChanged.connect(lambda samples: positions.append((time.monotonic(), samples)))
    player.stateChanged.connect(states.append)
    started = time.monotonic()
    player.play(RATE)
    run_for(qapp, 0.6)
    moved, elapsed = player.position - RATE, time.monotonic() - started
    assert abs(moved - elapsed * RATE) < 0.05 * RATE  # within 50 ms after 0.6 s
    ticks = np.diff([when for when, _ in positions])
    assert len(positions) > 20 and np.median(ticks) < 0.03  # every ~15 ms
    player.pause()
    paused_at = player.position
    run_for(qapp, 0.2)
    assert player.position == paused_at and not player.playing
    assert states == ["playing", "paused"]
    assert positions[-1][1] == paused_at


def test_reverse_play_reads_backwards_and_fast_rates_skip_ahead(qapp):
    recorder = Recorder()
    player = Player(output=recorder)
    player.set_program(Ramp())
    player.play(10 * RATE, rate=-1)
    run_for(qapp, 0.3)
    player.pause()
    heard = recorder.audio[:, 0]
    assert heard[0] == 10 * RATE - 1 and np.all(np.diff(heard) == -1)
    assert player.position < 10 * RATE - RATE // 10

    recorder.blocks.clear()
    player.play(0, rate=4)
    run_for(qapp, 0.3)
    player.pause()
    heard = recorder.audio[:, 0]
    assert np.all(np.diff(heard) == 4)  # each sample averages four: the programme goes by 4x
    assert player.position > RATE // 2
    with pytest.raises(ValueError, match="playback rate"):
        player.play(rate=3)


def test_play_range_stops_at_its_end_and_a_loop_goes_round(qapp, player):
    player.set_program(Ramp())
    states = []
    player.stateChanged.connect(states.append)
    player.play_range(2 * RATE, 2 * RATE + RATE // 5)  # 200 ms
    run_for(qapp, 2.0, until=lambda: not player.playing)
    assert states == ["playing", "paused"]
    assert player.position == 2 * RATE + RATE // 5

    recorder = Recorder()
    looping = Player(output=recorder)
    looping.set_program(Ramp())
    seen = []
    looping.positionChanged.connect(seen.append)
    looping.play(RATE, RATE + RATE // 10, loop=True)  # 100 ms round and round
    run_for(qapp, 0.5)
    looping.pause()
    heard = recorder.audio[:, 0]
    assert heard.min() == RATE and heard.max() == RATE + RATE // 10 - 1
    assert (np.diff(heard) < 0).sum() >= 3  # went round at least three times
    assert all(RATE <= samples <= RATE + RATE // 10 for samples in seen)


def test_one_take_alone_then_back_to_the_program(qapp, player):
    program = Ramp()
    player.set_program(program)
    take = np.full(RATE // 10, 0.5, np.float32)
    player.play_clip(take, 5 * RATE)
    assert player.program is program
    run_for(qapp, 2.0, until=lambda: not player.playing)
    assert player.position == 5 * RATE + RATE // 10
    assert player.program is program


@pytest.fixture
def dubbed(tmp_path):
    """One line at 2.000 s whose take is a 1 kHz tone burst."""
    project = Project.create(tmp_path / "click.dubproj", source_language="en", target_languages=["es"],
                             frame_rate="30000/1001")
    speaker = project.add_speaker("Alice")
    project.add_lines([NewLine(2 * RATE, 3 * RATE, "Now.", speaker)])
    line = project.lines()[0]
    project.set_machine_translations("es", {line.id: "Ahora."})
    burst = (0.5 * np.sin(2 * np.pi * 1000 * np.arange(RATE // 2) / RATE)).astype(np.float32)
    project.add_take(line.id, "es", burst, RATE, text="Ahora.", backend="test", choose=True,
                     fit={"offset": 0, "length": len(burst)})
    yield project, line
    project.close()


def test_the_dub_of_a_line_is_heard_within_one_frame_of_its_position(qapp, dubbed):
    project, line = dubbed
    recorder = Recorder()
    player = Player(output=recorder)
    player.set_program(LiveMix(project, "es", effects=None, dialogue=None))
    heard_from = line.start - RATE // 2
    player.play(heard_from)
    run_for(qapp, 3.0, until=lambda: player.position > line.start + RATE // 4)
    player.pause()
    audio = recorder.audio[:, 0]
    onset = heard_from + int(np.argmax(np.abs(audio) > 0.05))  # the device sample where the tone is heard
    frame = timing.frame_to_samples(1, Fraction(30000, 1001))
    assert abs(onset - line.start) < frame
    assert np.all(recorder.audio[:, 0] == recorder.audio[:, 1])


def test_a_sound_card_that_will_not_open_leaves_a_silent_clock(qapp):
    from dubstudio.ui.playback import SinkOutput
    from PySide6.QtMultimedia import QAudioDevice

    player = Player(output=SinkOutput(QAudioDevice()))  # no such device: QAudioSink cannot start
    assert not player.silent
    player.play(0)
    assert player.silent and player.playing
    run_for(qapp, 0.3)
    assert player.position > RATE // 10
    player.pause()
