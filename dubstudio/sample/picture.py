"""Frames of the sample clip: scikit-image's public-domain astronaut portrait, with slight head
motion, cut between two camera angles (a medium shot, and a mirrored, warmer close-up), its mouth
moving with the dialogue (the embedded lip-sync's warp, driven by the dialogue's loudness).

Every frame is one affine warp of the 512x512 photo with its mouth at that frame's opening, so
rendering is a few milliseconds a frame and a frame depends only on its number, its shot and the
dialogue: the clip is reproducible.
"""

import math
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

FACE_CENTRE = (224.0, 124.0)  # in the 512x512 photo, measured with the MediaPipe face mesh
NECK_PIVOT = (224.0, 200.0)   # heads turn about the neck, not the nose


@dataclass(frozen=True)
class Shot:
    name: str
    width_in_photo: float  # how much of the photo the frame's width shows
    mirrored: bool
    grade: tuple[float, float, float]  # RGB gains
    centre: tuple[float, float]        # photo point at the centre of the frame


MEDIUM = Shot("medium", 400.0, False, (1.0, 1.0, 1.0), (FACE_CENTRE[0], 150.0))
CLOSE = Shot("close", 290.0, True, (1.06, 1.0, 0.92), (FACE_CENTRE[0], 138.0))


def photo() -> np.ndarray:
    import skimage.data

    return skimage.data.astronaut()


class TalkingPhoto:
    """The photo with its mouth at a given opening (eye distances); each distinct opening, to 1/200,
    is re-animated once."""

    def __init__(self):
        from dubstudio.engine.backends.facemesh import FaceMesh

        self.photo = photo()
        self.points = FaceMesh(max_faces=1).landmarks(self.photo, video=False)[0]
        self._done: dict[int, np.ndarray] = {}

    def at(self, opening: float) -> np.ndarray:
        from dubstudio.lipsync.visemes import MouthShape
        from dubstudio.lipsync.warp import reanimate

        key = round(opening * 200)
        if key not in self._done:
            self._done[key] = reanimate(self.photo, self.points, MouthShape(key / 200))
        return self._done[key]


def head_motion(t: float) -> tuple[float, float, float]:
    """Rotation (degrees) and translation (photo pixels) at time t: slow, irregular, small."""
    angle = 1.4 * math.sin(2 * math.pi * t / 4.3) + 0.5 * math.sin(2 * math.pi * t / 1.9 + 0.7)
    dx = 3.0 * math.sin(2 * math.pi * t / 5.1 + 1.3)
    dy = 1.5 * math.sin(2 * math.pi * t / 3.3)
    return angle, dx, dy


def render(source: np.ndarray, frame: int, fps: Fraction, shot: Shot, width: int, height: int) -> np.ndarray:
    import cv2

    t = float(frame / fps)
    angle, dx, dy = head_motion(t)
    # photo -> head-moved photo: rotate about the neck, then shift
    move = cv2.getRotationMatrix2D(NECK_PIVOT, angle, 1.0)
    move[:, 2] += (dx, dy)
    # head-moved photo -> frame: scale so the shot's width fills the frame, centred on the shot
    scale = width / shot.width_in_photo
    sign = -1.0 if shot.mirrored else 1.0
    camera = np.array([[sign * scale, 0.0, width / 2 - sign * scale * shot.centre[0]],
                       [0.0, scale, height / 2 - scale * shot.centre[1]]])
    full = camera @ np.vstack([move, [0.0, 0.0, 1.0]])
    out = cv2.warpAffine(source, full, (width, height), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT)
    if shot.grade != (1.0, 1.0, 1.0):
        out = np.clip(out * np.asarray(shot.grade, np.float32), 0, 255).astype(np.uint8)
    return out
