"""Transport: what plays and where the playhead goes (J/K/L shuttle, Space, frame steps, Aegisub-style
play before/after the selection, one take alone, A/B of two takes).

The Player's clock is the playhead while playing: its position moves the Session's playhead, which the
timeline and the preview follow.
"""

import logging
import threading
from fractions import Fraction
from pathlib import Path

import numpy as np

from dubstudio.mix.mixer import take_audio, take_start
from dubstudio.project import OpChanges
from dubstudio.timing import SAMPLE_RATE, frame_to_samples, samples_to_frame

log = logging.getLogger(__name__)

AROUND = SAMPLE_RATE // 2  # Aegisub's 500 ms before/after the selection
SHUTTLE = (1, 2, 4)        # J/K/L speeds, pressed again


class Transport:
    def __init__(self, window):
        self.window = window
        self.session = None
        self.player = None
        self.mix = None
        self._shuttle = 0  # signed index into SHUTTLE: 0 stopped

    def handlers(self) -> dict:
        return {"play_pause": self.play_pause, "shuttle_back": lambda: self.shuttle(-1), "stop": self.pause,
                "shuttle_forward": lambda: self.shuttle(1), "frame_back": lambda: self.step_frames(-1),
                "frame_forward": lambda: self.step_frames(1), "second_back": lambda: self.step_samples(-SAMPLE_RATE),
                "second_forward": lambda: self.step_samples(SAMPLE_RATE), "go_start": lambda: self.go(0),
                "go_end": lambda: self.go(self.end), "play_line": self.play_selection,
                "play_before": self.play_before, "play_after": self.play_after,
                "play_take": self.play_chosen_take, "compare_takes": self.compare_chosen, "loop_line": self.loop_line}

    def set_session(self, session, video: Path | None) -> None:
        from dubstudio.ui.playback import Player

        from dubstudio.mix.live import LiveMix

        self.stop_all()
        self.session = session
        self.sources = (None, None)
        self.mix = LiveMix(session.project, session.language, effects=None, dialogue=None)
        self.player = Player(self.window)
        self.player.set_program(self.mix)
        self.player.positionChanged.connect(session.seek)
        self.player.stateChanged.connect(
            lambda state: self.window.views["preview"].set_playing(state == "playing", self.player.rate))
        session.languageChanged.connect(self._remix)
        self._load_sources(session)

    def _load_sources(self, session) -> None:
        """The M&E and original dialogue under the takes: the cached stems, or the decoded source (which
        may have to be decoded again: off the GUI thread). Until then only the takes play."""
        from dubstudio.mix.live import playback_sources

        def load():
            try:
                sources = playback_sources(session.project, session.options.demucs)
            except Exception:
                log.warning("no M&E or dialogue for playback", exc_info=True)
                return
            session.later(lambda: self._sources_loaded(session, sources))

        threading.Thread(target=load, name="dubstudio-playback-sources", daemon=True).start()

    def _sources_loaded(self, session, sources) -> None:
        if session is self.session and self.player is not None:
            self.sources = sources
            self._remix(session.language)

    def _remix(self, language: str) -> None:
        from dubstudio.mix.live import LiveMix

        effects, dialogue = self.sources
        self.mix = LiveMix(self.session.project, language, effects=effects, dialogue=dialogue)
        self.player.set_program(self.mix)

    def apply_changes(self, changes: OpChanges) -> None:
        if self.mix is not None:
            self.mix.apply_changes(changes)

    def stop_all(self) -> None:
        if self.player is not None:
            self.player.pause()
            self.player.deleteLater()
        self.player = self.mix = None
        self._shuttle = 0

    @property
    def playing(self) -> bool:
        return self.player is not None and self.player.playing

    @property
    def end(self) -> int:
        media = self.session.project.media()
        if media is None:
            lines = self.session.project.lines()
            return lines[-1].end if lines else 0
        return int(Fraction(media.probe["duration"]) * SAMPLE_RATE)

    # -- moving the playhead ------------------------------------------------------------------------

    def go(self, samples: int) -> None:
        self.pause()
        self.session.seek(max(0, min(int(samples), self.end)))

    def step_frames(self, frames: int) -> None:
        """Exactly one frame: from the frame holding the playhead to the first sample of its neighbour."""
        rate = self.session.project.settings.frame_rate
        self.go(frame_to_samples(max(0, samples_to_frame(self.session.playhead, rate) + frames), rate))

    def step_samples(self, samples: int) -> None:
        self.go(self.session.playhead + samples)

    # -- playing ------------------------------------------------------------------------------------

    def play_pause(self) -> None:
        if self.playing:
            self.pause()
        else:
            self._shuttle = 1
            self.player.play(self.session.playhead)

    def pause(self) -> None:
        self._shuttle = 0
        if self.player is not None:
            self.player.pause()

    def shuttle(self, direction: int) -> None:
        """J/L: start at 1x in that direction; pressed again, faster; the other key slows, then turns."""
        current = self._shuttle
        if current == 0 or (current > 0) != (direction > 0):
            step = direction if current == 0 else current + direction
        else:
            step = current + direction if abs(current) < len(SHUTTLE) else current
        self._shuttle = step
        if step == 0:
            self.player.pause()
            return
        rate = SHUTTLE[abs(step) - 1] * (1 if step > 0 else -1)
        self.player.play(self.session.playhead, rate=rate)

    def _selection_span(self) -> tuple[int, int] | None:
        session = self.session
        lines = [line for line in session.project.lines() if line.id in session.selection]
        if not lines:
            return None
        return min(line.start for line in lines), max(line.end for line in lines)

    def play_selection(self) -> None:
        span = self._selection_span()
        if span:
            self._shuttle = 0
            self.player.play_range(*span)

    def play_before(self) -> None:
        span = self._selection_span()
        if span:
            self.player.play_range(max(0, span[0] - AROUND), span[0])

    def play_after(self) -> None:
        span = self._selection_span()
        if span:
            self.player.play_range(span[1], span[1] + AROUND)

    def loop_line(self) -> None:
        span = self._selection_span()
        if span:
            self.window.views["preview"].loop_line(*span)
            self.player.play(span[0], stop=span[1], loop=True)

    def _take_at(self, take_id: int):
        """(audio, timeline position) of a take, as the mix places it."""
        project = self.session.project
        take = project.take(take_id)
        return take_audio(project, take), take_start(project.line(take.line_id), take)

    def play_take(self, take_id: int) -> None:
        audio, at = self._take_at(take_id)
        self.player.play_clip(audio, at)

    def _chosen_takes(self) -> list:
        session = self.session
        if not session.selection:
            return []
        takes = session.project.takes(session.selection[0], session.language)
        translation = session.project.translation(session.selection[0], session.language)
        chosen = translation.chosen_take_id if translation is not None else None
        return sorted(takes, key=lambda take: (take.id != chosen, -take.id))

    def play_chosen_take(self) -> None:
        takes = self._chosen_takes()
        if takes:
            self.play_take(takes[0].id)

    def compare(self, take_a: int, take_b: int) -> None:
        """A then B, each at its place on the timeline, with a short pause between."""
        audio_a, at = self._take_at(take_a)
        audio_b, _ = self._take_at(take_b)
        gap = np.zeros(SAMPLE_RATE * 3 // 10, np.float32)
        both = np.concatenate([audio_a, gap, audio_b])
        self.player.play_clip(both, at)

    def compare_chosen(self) -> None:
        takes = self._chosen_takes()
        if len(takes) >= 2:
            self.compare(takes[0].id, takes[1].id)
        else:
            self.window.tell("This line has one take: regenerate it (Ctrl+R) to have two to compare.")
