"""Audio out for the editor: a program (the live dub mix, or one take alone) played through QtMultimedia,
with the audio clock as the master of the playhead.

The position is what the sound card has played (QAudioSink.processedUSecs), mapped back through the
runs of timeline written to it, so the playhead, the picture and what is heard agree at any rate, in
reverse and across loops. Without an audio device (servers, CI) a silent clock (QElapsedTimer) stands
in and the playhead still moves in real time.

Blocks are pushed from a 15 ms timer into the sink's 200 ms buffer: the main thread can be busy that
long without a gap, and nothing is computed in a paint path.
"""

import logging
from typing import Protocol

import numpy as np
from PySide6.QtCore import QElapsedTimer, QObject, Qt, QTimer, Signal
from PySide6.QtMultimedia import QAudio, QAudioDevice, QAudioFormat, QAudioSink, QMediaDevices

from dubstudio.mix.live import take_program
from dubstudio.timing import SAMPLE_RATE as RATE

log = logging.getLogger(__name__)

TICK_MS = 15
RATES = (-4, -2, -1, 1, 2, 4)  # J/K/L shuttle; negative plays backwards
BLOCK = RATE // 50             # the most read from the program at once (20 ms)
BUFFER = RATE // 5             # written ahead of the sound card (200 ms)


class Output(Protocol):
    """Where blocks go and the clock that says how much of them has been played."""

    renders: bool  # False: a clock only, nothing needs the audio

    def start(self) -> bool: ...  # False: it cannot play now

    def stop(self) -> None: ...

    def played(self) -> int: ...  # samples played since start()

    def room(self, written: int) -> int: ...  # samples that may be written now

    def write(self, block: np.ndarray) -> None: ...  # float32 [n, 2]


class SilentClock:
    """Real time without a sound card: the playhead moves, nothing is heard."""

    renders = False

    def __init__(self):
        self._clock = QElapsedTimer()

    def start(self) -> bool:
        self._clock.start()
        return True

    def stop(self) -> None:
        self._clock.invalidate()

    def played(self) -> int:
        return self._clock.nsecsElapsed() * RATE // 1_000_000_000 if self._clock.isValid() else 0

    def room(self, written: int) -> int:
        return self.played() + BUFFER - written

    def write(self, block: np.ndarray) -> None:
        pass


class SinkOutput:
    """A sound card through QAudioSink in push mode, 48 kHz stereo, float if it takes it, else int16."""

    renders = True

    def __init__(self, device: QAudioDevice, parent: QObject | None = None):
        audio_format = QAudioFormat()
        audio_format.setSampleRate(RATE)
        audio_format.setChannelCount(2)
        audio_format.setSampleFormat(QAudioFormat.SampleFormat.Float)
        if not device.isFormatSupported(audio_format):
            audio_format.setSampleFormat(QAudioFormat.SampleFormat.Int16)
        self._float = audio_format.sampleFormat() == QAudioFormat.SampleFormat.Float
        self._frame_bytes = audio_format.bytesPerFrame()
        self.sink = QAudioSink(device, audio_format, parent)
        self.sink.setBufferSize(BUFFER * self._frame_bytes)
        self._io = None

    def start(self) -> bool:
        self._io = self.sink.start()
        return self._io is not None and self.sink.error() == QAudio.Error.NoError

    def stop(self) -> None:
        self.sink.reset()  # drop what is buffered: a pause is heard at once
        self.sink.stop()
        self._io = None

    def played(self) -> int:
        return self.sink.processedUSecs() * RATE // 1_000_000

    def room(self, written: int) -> int:
        return self.sink.bytesFree() // self._frame_bytes

    def write(self, block: np.ndarray) -> None:
        block = np.clip(block, -1.0, 1.0)
        data = block.astype("<f4") if self._float else np.round(block * 32767).astype("<i2")
        self._io.write(data.tobytes())


def default_output(parent: QObject | None = None) -> Output:
    device = QMediaDevices.defaultAudioOutput()
    return SilentClock() if device.isNull() else SinkOutput(device, parent)


class _Silence:
    def read(self, start: int, count: int) -> np.ndarray:
        return np.zeros((count, 2), np.float32)


class _Cursor:
    """The timeline still to play: from `position` at `rate`, bounded by `end` (forward) or `floor`
    (backward), wrapping inside [floor, end) when looping."""

    def __init__(self, start: int, stop: int | None, rate: int, loop: bool):
        self.position, self.rate, self.loop = start, rate, loop and stop is not None
        if rate > 0:
            self.floor, self.end = (min(start, stop) if self.loop else 0), stop
        else:
            self.floor, self.end = (stop if stop is not None else 0), (max(start, stop) if self.loop else None)
        self.done = False

    def next_run(self, frames: int) -> int:
        """Device frames of the next contiguous run from `position` (at most `frames`); 0: finished."""
        step = abs(self.rate)
        left = ((self.end - self.position if self.end is not None else frames * step) if self.rate > 0
                else self.position - self.floor) // step
        if left <= 0 and self.loop:
            self.position = self.floor if self.rate > 0 else self.end
            left = (self.end - self.floor) // step
        if left <= 0:
            self.done = True
            return 0
        return min(frames, left)


class Player(QObject):
    """Plays a program (anything with read(start, count) -> float32 [count, 2] at 48 kHz).

    positionChanged(samples) every ~15 ms while playing (and once on pause or seek);
    stateChanged("playing" | "paused")."""

    positionChanged = Signal(int)
    stateChanged = Signal(str)

    def __init__(self, parent: QObject | None = None, *, output: Output | None = None):
        super().__init__(parent)
        self._output = output or default_output(self)
        if isinstance(self._output, SinkOutput):
            self._output.sink.stateChanged.connect(self._sink_state)
        self._program = _Silence()
        self._clip_of: object | None = None  # the program to go back to after play_clip
        self._position = 0
        self._cursor: _Cursor | None = None
        self._runs: list[tuple[int, int, int]] = []  # (device sample, timeline sample, rate) starting each run
        self._written = 0
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self._tick)

    # -- state --------------------------------------------------------------------------------------

    @property
    def silent(self) -> bool:
        """No sound card: the clock runs, nothing is heard."""
        return not self._output.renders

    @property
    def playing(self) -> bool:
        return self._cursor is not None

    @property
    def rate(self) -> int:
        return self._cursor.rate if self._cursor is not None else 0

    @property
    def position(self) -> int:
        """The timeline sample being heard now (samples at 48 kHz)."""
        return self._where(self._output.played()) if self._cursor is not None else self._position

    @property
    def program(self):
        return self._clip_of if self._clip_of is not None else self._program

    def set_program(self, program) -> None:
        """What plays (the mix of another language, a mix after mute/solo); playing goes on from here."""
        program = program if program is not None else _Silence()
        if self._clip_of is not None:
            self._clip_of = program
            return
        self._program = program
        if self._cursor is not None:
            cursor = self._cursor
            self._start(self.position, cursor.end if cursor.rate > 0 else cursor.floor, cursor.rate, cursor.loop)

    # -- transport ----------------------------------------------------------------------------------

    def play(self, start: int | None = None, stop: int | None = None, rate: float = 1.0, loop: bool = False) -> None:
        """From start (default: where it is) to stop (forward: up to the programme's end; backward: down
        to 0), at rate (see RATES), looping between start and stop if loop."""
        if rate not in RATES:
            raise ValueError(f"{rate} is not a playback rate: use one of {', '.join(map(str, RATES))}")
        self._end_clip()
        start = self.position if start is None else int(start)
        if stop is None and rate > 0:
            length = getattr(self._program, "length", 0)
            stop = length if length > start else None
        self._start(start, stop, int(rate), loop)

    def play_range(self, start: int, stop: int) -> None:
        """Play [start, stop) once and pause at stop (play 500 ms before/after a selection)."""
        self.play(start, stop)

    def play_clip(self, audio: np.ndarray, at: int) -> None:
        """One take alone at its place on the timeline, then back to the program (paused after it)."""
        self._end_clip()
        program = take_program(audio, at)
        self._clip_of, self._program = self._program, program
        self._start(at, program.length, 1, False)

    def pause(self) -> None:
        if self._cursor is None:
            return
        self._halt(self.position)

    def toggle(self) -> None:
        if self.playing:
            self.pause()
        else:
            self.play()

    def seek(self, samples: int) -> None:
        """Move the position; playing goes on from there at the same rate."""
        samples = max(0, int(samples))
        if self._cursor is not None:
            if samples != self.position:
                self._start(samples, None if self._cursor.rate > 0 else 0, self._cursor.rate, False)
        elif samples != self._position:
            self._position = samples
            self.positionChanged.emit(samples)

    # -- the clock ----------------------------------------------------------------------------------

    def _start(self, start: int, stop: int | None, rate: int, loop: bool) -> None:
        was_playing = self._cursor is not None
        if was_playing:
            self._output.stop()
        self._cursor = _Cursor(max(0, start), stop, rate, loop)
        self._runs, self._written = [], 0
        if not self._output.start():
            log.warning("the sound card did not start: playing silently")
            self._output = SilentClock()
            self._output.start()
        self._position = self._cursor.position
        self._fill()
        self._timer.start()
        self.positionChanged.emit(self._position)  # first: who follows the state reads the position
        if not was_playing:
            self.stateChanged.emit("playing")

    def _halt(self, position: int) -> None:
        self._timer.stop()
        self._output.stop()
        self._cursor = None
        self._end_clip()
        self._position = position
        self.positionChanged.emit(position)
        self.stateChanged.emit("paused")

    def _end_clip(self) -> None:
        if self._clip_of is not None:
            self._program, self._clip_of = self._clip_of, None

    def _where(self, played: int) -> int:
        """The timeline sample at device sample `played` (the last written one once past the end)."""
        played = min(played, self._written)
        for device, timeline, rate in reversed(self._runs):
            if device <= played:
                return timeline + rate * (played - device)
        return self._position

    def _tick(self) -> None:
        played = self._output.played()
        if self._cursor.done and played >= self._written:
            self._halt(self._where(played))
            return
        self._fill()
        position = self._where(played)
        # runs already played are history
        while len(self._runs) > 1 and self._runs[1][0] <= played:
            self._runs.pop(0)
        if position != self._position:
            self._position = position
            self.positionChanged.emit(position)

    def _fill(self) -> None:
        cursor, room = self._cursor, self._output.room(self._written)
        while room > 0:
            frames = cursor.next_run(min(room, BLOCK))
            if not frames:
                return
            at, rate = cursor.position, cursor.rate
            last = self._runs[-1] if self._runs else None
            if last is None or last[1] + last[2] * (self._written - last[0]) != at:
                self._runs.append((self._written, at, rate))
            if self._output.renders:
                self._output.write(self._render(at, frames, rate))
            cursor.position += rate * frames
            self._written += frames
            room -= frames

    def _render(self, at: int, frames: int, rate: int) -> np.ndarray:
        """`frames` samples heard from timeline sample `at` on at `rate`: faster rates average each
        |rate| samples into one (a cheap low-pass for the shuttle), backwards reads reversed."""
        step = abs(rate)
        block = np.asarray(self._program.read(at if rate > 0 else at - step * frames, step * frames), np.float32)
        if rate < 0:
            block = block[::-1]
        return block.reshape(frames, step, 2).mean(axis=1) if step > 1 else block

    def _sink_state(self, state) -> None:
        sink = self._output.sink if isinstance(self._output, SinkOutput) else None
        if sink is None or self._cursor is None or state != QAudio.State.StoppedState:
            return
        if sink.error() not in (QAudio.Error.NoError, QAudio.Error.UnderrunError):
            position = self.position
            log.warning("the sound card stopped (%s): playing silently", sink.error())
            self._output = SilentClock()
            self._start(position, self._cursor.end if self._cursor.rate > 0 else self._cursor.floor,
                        self._cursor.rate, self._cursor.loop)
