"""Wav2Lip and Wav2Lip-GAN from a model folder the user provides: the studio mouth renderer (a MouthRenderer).

As the published inference does: the face box (here from the face-mesh landmarks, grown below the chin
as the release pads its detector's box), the crop resized to 96x96 in BGR, its lower half zeroed as the
masked target beside the unmasked crop as the reference, the mel window of each frame, the generator in
batches. Unlike the release, which pastes the whole 96x96 face back as a rectangle, the new face is
colour-matched and composited through a feathered lower-face mask (dubstudio.lipsync.blend), so that
nothing outside the lower face changes.

The audio starts at the first frame's time; each frame's window reads 0.2 s ahead, so a caller that
renders a line in pieces should pass audio running past the piece's last frame (silence is assumed past
the audio's end).
"""

from fractions import Fraction
from pathlib import Path
from typing import NamedTuple

import cv2
import numpy as np

from dubstudio.lipsync.blend import feathered_mask, lower_face_polygon, match_colour, paste_back
from dubstudio.lipsync.face import eye_distance, face_box
from dubstudio.lipsync.mel import frame_windows

SIZE = 96  # the generator's face crop, pixels
CHIN_PAD = 0.1  # of the box's height, added below the chin (the release pads its detector's box by 10 px)
FEATHER = 0.2  # of the eye distance: the mask's soft edge


class Placement(NamedTuple):
    """Where a face's new mouth goes: the crop's box in the frame, the lower-face polygon (frame pixels)
    whose feathered mask it is blended through, and that mask's soft edge (pixels)."""

    box: tuple[int, int, int, int]
    polygon: np.ndarray
    feather: float

    def affine(self) -> np.ndarray:
        """The 2x3 transform from frame pixels to the 96x96 crop, pixel centres mapped as cv2.resize maps
        them (so that blend.paste_back puts the new face exactly where the crop came from)."""
        x0, y0, x1, y1 = self.box
        sx, sy = SIZE / (x1 - x0), SIZE / (y1 - y0)
        return np.array([[sx, 0.0, (0.5 - x0) * sx - 0.5], [0.0, sy, (0.5 - y0) * sy - 0.5]])

    def mask(self, shape_hw: tuple[int, int]) -> np.ndarray:
        return feathered_mask(shape_hw, self.polygon, self.feather)

    def crop_mask(self) -> np.ndarray:
        affine = self.affine()
        polygon = (self.polygon @ affine[:, :2].T + affine[:, 2]).astype(np.float32)
        return feathered_mask((SIZE, SIZE), polygon, self.feather * affine[1, 1])


def place(points: np.ndarray, shape_hw: tuple[int, int]) -> Placement:
    """The crop box is the landmarks' box padded below the chin (not square: the release stretches its
    detector's box to 96x96 too), grown to hold the whole mask, clipped to the frame."""
    polygon = lower_face_polygon(points)
    x0, y0, x1, y1 = face_box(points)
    y1 += round(CHIN_PAD * (y1 - y0))
    low, high = np.floor(polygon.min(axis=0)).astype(int), np.ceil(polygon.max(axis=0)).astype(int) + 1
    x0, y0, x1, y1 = min(x0, low[0]), min(y0, low[1]), max(x1, high[0]), max(y1, high[1])
    height, width = shape_hw
    x0, y0 = int(np.clip(x0, 0, width - 1)), int(np.clip(y0, 0, height - 1))
    x1, y1 = int(np.clip(x1, x0 + 1, width)), int(np.clip(y1, y0 + 1, height))
    return Placement((x0, y0, x1, y1), polygon, FEATHER * eye_distance(points[:, :2]))


class Wav2LipRenderer:
    def __init__(self, folder: Path, gan: bool = False, device: str = "cpu", batch_size: int = 16):
        from dubstudio.engine.backends.wav2lip_net import load_generator

        self.name = "wav2lip-gan" if gan else "wav2lip"
        self.device = device
        self.batch_size = batch_size
        self.model = load_generator(folder, gan, device)

    def faces(self, crops: np.ndarray, mels: np.ndarray) -> np.ndarray:
        """uint8 [B, 96, 96, 3] RGB new faces for RGB crops [B, 96, 96, 3] and mel windows [B, 80, 16]."""
        import torch

        bgr = crops[..., ::-1].astype(np.float32) / 255.0
        masked = bgr.copy()
        masked[:, SIZE // 2:] = 0.0
        pictures = torch.from_numpy(np.concatenate([masked, bgr], axis=3).transpose(0, 3, 1, 2).copy())
        windows = torch.from_numpy(np.ascontiguousarray(mels[:, None], np.float32))
        with torch.inference_mode():
            new = self.model(windows.to(self.device), pictures.to(self.device)).cpu().numpy()
        return np.clip(np.rint(new.transpose(0, 2, 3, 1)[..., ::-1] * 255), 0, 255).astype(np.uint8)

    def render(self, frames: list[np.ndarray], faces: list[np.ndarray | None], audio: np.ndarray, rate: int,
               fps: Fraction, phonemes: list[tuple[int, int, str]] | None = None) -> list[np.ndarray]:
        """The frames with each listed face's lower face re-rendered to the audio; frames without a face
        come back unchanged. Phonemes are not used: Wav2Lip hears the audio itself."""
        out = list(frames)
        todo = [index for index, points in enumerate(faces) if points is not None]
        if not todo:
            return out
        windows = frame_windows(audio, rate, len(frames), fps)
        for start in range(0, len(todo), self.batch_size):
            batch = todo[start:start + self.batch_size]
            places = [place(faces[index], frames[index].shape[:2]) for index in batch]
            crops = np.stack([cv2.resize(frames[index][y0:y1, x0:x1], (SIZE, SIZE), interpolation=cv2.INTER_LINEAR)
                              for index, (x0, y0, x1, y1) in zip(batch, (p.box for p in places))])
            for index, spot, crop, new in zip(batch, places, crops, self.faces(crops, windows[batch])):
                new = match_colour(new, crop, spot.crop_mask())
                out[index] = paste_back(frames[index], new, spot.affine(), spot.mask(frames[index].shape[:2]))
        return out
