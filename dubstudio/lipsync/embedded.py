"""The embedded lip-sync method (no learned weights): each frame's mouth re-animated to the dub, its
opening and shape from the dub's phonemes (visemes) or, without them, from its loudness."""

from fractions import Fraction

import numpy as np

from dubstudio.lipsync.score import speech_envelope
from dubstudio.lipsync.visemes import MouthShape, mouth_track
from dubstudio.lipsync.warp import reanimate


class EmbeddedRenderer:
    """A MouthRenderer (see dubstudio.engine.jobs.lipsync) that warps the source face."""

    name = "embedded"

    def shapes(self, frames: int, audio: np.ndarray, rate: int, fps: Fraction,
               phonemes: list[tuple[int, int, str]] | None = None) -> list[MouthShape]:
        """The mouth shape for each frame of the dub."""
        return mouth_track(frames, fps, speech_envelope(audio, fps, frames, rate), phonemes, rate)

    def render(self, frames: list[np.ndarray], faces: list[np.ndarray | None], audio: np.ndarray, rate: int,
               fps: Fraction, phonemes: list[tuple[int, int, str]] | None = None) -> list[np.ndarray]:
        """The frames with the face's mouth moving to the dub; frames with no face come back as they were."""
        shapes = self.shapes(len(frames), audio, rate, fps, phonemes)
        return [frame if face is None else reanimate(frame, face, shape)
                for frame, face, shape in zip(frames, faces, shapes)]
