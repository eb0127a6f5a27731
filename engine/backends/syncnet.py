"""SyncNet (Chung and Zisserman, "Out of time: automated lip sync in the wild", 2016) from a model folder the
user provides, for LSE-D and LSE-C as the Wav2Lip paper measures them (its evaluation/scores_LSE runs
syncnet_python's released syncnet_v2.model).

Our own code for that network, with the names and shapes of the released file so that it loads with
strict=True: a lip tower of 3-D convolutions over 5 consecutive BGR face crops of 224x224 (pixel values
0-255, not normalised), and an audio tower over 13 MFCCs x 20 frames (0.2 s), each ending in a 1024-d
embedding. The measurement, as the release's: video at 25 fps, audio at 16 kHz in 16-bit units, MFCCs
as python_speech_features computes them (100 per second, 4 per video frame); the face crop of its
pipeline (a box around the face, extended below it, padded with grey 110, resized to 224x224), here from
the face-mesh landmarks instead of its S3FD detector; the distances between each video window's
embedding and the audio embeddings shifted by -15..+15 frames, averaged over the windows per shift:
LSE-D is the smallest mean distance, LSE-C the median mean distance minus that.
"""

import math
from fractions import Fraction
from pathlib import Path

import cv2
import numpy as np
import torch
from torch import nn

from dubstudio.engine.backends.checkpoint import fit_weights, read_weights
from dubstudio.dsp.resample import resample
from dubstudio.errors import DubStudioError, MissingModelError
from dubstudio.lipsync.face import face_box

WEIGHTS = "syncnet_v2.model"  # or syncnet_v2.safetensors
FPS = 25
RATE = 16_000
MFCC_PER_FRAME = 4  # 100 MFCC frames per second over 25 video frames per second
WINDOW = 5  # video frames per embedding; the audio window is 20 MFCC frames
VSHIFT = 15  # offsets searched, in video frames each way
CROP_SCALE = 0.4  # syncnet_python's run_pipeline crop_scale
GREY = 110  # what the crop is padded with past the frame's edge
SIZE = 224

# (kind, arguments): "conv" -> convolution, batch norm, ReLU; "pool" -> max pooling. Kept in the released
# file's layer order, so that the numbering of its parameters matches (a 1x1 pooling included).
_AUDIO_TOWER = (("conv", 1, 64, 3, 1, 1), ("pool", (1, 1), (1, 1), 0), ("conv", 64, 192, 3, 1, 1),
                ("pool", 3, (1, 2), 0), ("conv", 192, 384, 3, 1, 1), ("conv", 384, 256, 3, 1, 1),
                ("conv", 256, 256, 3, 1, 1), ("pool", 3, 2, 0), ("conv", 256, 512, (5, 4), 1, 0))
_LIP_TOWER = (("conv", 3, 96, (5, 7, 7), (1, 2, 2), 0), ("pool", (1, 3, 3), (1, 2, 2), 0),
              ("conv", 96, 256, (1, 5, 5), (1, 2, 2), (0, 1, 1)), ("pool", (1, 3, 3), (1, 2, 2), (0, 1, 1)),
              ("conv", 256, 256, (1, 3, 3), 1, (0, 1, 1)), ("conv", 256, 256, (1, 3, 3), 1, (0, 1, 1)),
              ("conv", 256, 256, (1, 3, 3), 1, (0, 1, 1)), ("pool", (1, 3, 3), (1, 2, 2), 0),
              ("conv", 256, 512, (1, 6, 6), 1, 0))


class LseError(DubStudioError):
    """A stretch of video SyncNet cannot measure (too short, or no face in it)."""


def _get_it(folder: Path) -> str:
    return (f"put {WEIGHTS} (the SyncNet weights that syncnet_python's download_model.sh fetches, the file "
            f"Wav2Lip's evaluation uses) into {folder}")


def _tower(layers, dims: int) -> nn.Sequential:
    conv, norm, pool = ((nn.Conv2d, nn.BatchNorm2d, nn.MaxPool2d) if dims == 2
                        else (nn.Conv3d, nn.BatchNorm3d, nn.MaxPool3d))
    modules = []
    for kind, *arguments in layers:
        if kind == "conv":
            cin, cout, kernel, stride, padding = arguments
            modules += [conv(cin, cout, kernel, stride, padding), norm(cout), nn.ReLU()]
        else:
            modules.append(pool(*arguments))
    return nn.Sequential(*modules)


def _head(embedding: int) -> nn.Sequential:
    return nn.Sequential(nn.Linear(512, 512), nn.BatchNorm1d(512), nn.ReLU(), nn.Linear(512, embedding))


class SyncNetModel(nn.Module):
    """The two towers, named as in the released file."""

    def __init__(self, embedding: int = 1024):
        super().__init__()
        self.netcnnaud = _tower(_AUDIO_TOWER, 2)
        self.netfcaud = _head(embedding)
        self.netfclip = _head(embedding)
        self.netcnnlip = _tower(_LIP_TOWER, 3)

    def audio(self, mfcc: torch.Tensor) -> torch.Tensor:  # [B, 1, 13, 20] -> [B, 1024]
        return self.netfcaud(self.netcnnaud(mfcc).flatten(1))

    def lips(self, video: torch.Tensor) -> torch.Tensor:  # [B, 3, 5, 224, 224] -> [B, 1024]
        return self.netfclip(self.netcnnlip(video).flatten(1))


def _mfcc_filters(bins: int = 512, filters: int = 26) -> np.ndarray:
    """python_speech_features' mel filterbank: triangles between FFT bins floor((n + 1) f / rate) of
    points evenly spaced on the HTK mel scale from 0 Hz to half the rate."""
    top = 2595 * np.log10(1 + (RATE / 2) / 700)
    edges = np.floor((bins + 1) * 700 * (10 ** (np.linspace(0, top, filters + 2) / 2595) - 1) / RATE).astype(int)
    bank = np.zeros((filters, bins // 2 + 1))
    for j in range(filters):
        low, mid, high = edges[j:j + 3]
        bank[j, low:mid] = (np.arange(low, mid) - low) / max(1, mid - low)
        bank[j, mid:high] = (high - np.arange(mid, high)) / max(1, high - mid)
    return bank


def mfcc(audio: np.ndarray, rate: int) -> np.ndarray:
    """[13, frames] MFCCs, 100 per second, as python_speech_features.mfcc computes them with its defaults
    (25 ms rectangular frames, 512-point FFT, 26 filters, liftering 22, c0 replaced by the log energy) on
    16 kHz audio in 16-bit units, as syncnet_python reads it from a WAV."""
    from scipy.fft import dct

    signal = resample(np.asarray(audio), rate, RATE).astype(np.float64) * 32768
    signal = np.concatenate([signal[:1], signal[1:] - 0.97 * signal[:-1]])
    length, step = 400, 160
    count = 1 if len(signal) <= length else 1 + math.ceil((len(signal) - length) / step)
    signal = np.pad(signal, (0, (count - 1) * step + length - len(signal)))
    frames = np.lib.stride_tricks.sliding_window_view(signal, length)[::step][:count]
    power = np.abs(np.fft.rfft(frames, 512)) ** 2 / 512
    tiny = np.finfo(float).eps
    energy = np.maximum(power.sum(axis=1), tiny)
    bands = np.maximum(power @ _mfcc_filters().T, tiny)
    cepstra = dct(np.log(bands), type=2, axis=1, norm="ortho")[:, :13]
    cepstra *= 1 + 11 * np.sin(np.pi * np.arange(13) / 22)
    cepstra[:, 0] = np.log(energy)
    return cepstra.T


def lse_distances(video: np.ndarray, audio: np.ndarray, vshift: int = VSHIFT) -> tuple[float, float, int]:
    """(LSE-D, LSE-C, offset) from per-window embeddings [N, D] of the video and the audio: the distance
    of each video window to the audio window shifted by -vshift..+vshift (zeros past either end, as the
    release pads), averaged over the windows; D is the smallest average, C the median average minus D, and
    offset the audio's lead in frames at the smallest (the release's sign: vshift minus the best index)."""
    video, audio = np.asarray(video, np.float64), np.asarray(audio, np.float64)
    padded = np.pad(audio, ((vshift, vshift), (0, 0)))
    count = len(video)
    # torch's pairwise_distance adds eps = 1e-6 to the difference: kept, for the same figures
    means = np.array([np.linalg.norm(video - padded[shift:shift + count] + 1e-6, axis=1).mean()
                      for shift in range(2 * vshift + 1)])
    best = int(np.argmin(means))
    return float(means[best]), float(np.median(means) - means[best]), vshift - best


def _resample_frames(count: int, fps: Fraction) -> np.ndarray:
    """The source frame shown at each 25 fps frame's time (as ffmpeg -r 25 picks: the nearest)."""
    fps = Fraction(fps)
    total = int(count * FPS / fps)
    picks = [int(k * fps / FPS + Fraction(1, 2)) for k in range(total)]
    return np.minimum(np.array(picks, np.int64), count - 1)


def _fill_faces(faces: list[np.ndarray | None]) -> list[np.ndarray]:
    """Each frame's landmarks, or the nearest frame's where it has none."""
    known = [index for index, points in enumerate(faces) if points is not None]
    if not known:
        raise LseError("SyncNet found no face to measure in these frames: LSE needs the speaker's face in view.")
    return [faces[min(known, key=lambda k: abs(k - index))] for index in range(len(faces))]


def face_crop(frame: np.ndarray, points: np.ndarray) -> np.ndarray:
    """The 224x224 BGR crop syncnet_python's pipeline cuts around a face box: half its larger side s
    above the centre, 1.8 s below, 1.4 s each side; grey past the frame's edge."""
    x0, y0, x1, y1 = face_box(points)
    half = max(x1 - x0, y1 - y0) / 2
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    top, bottom = int(cy - half), int(cy + half * (1 + 2 * CROP_SCALE))
    left, right = int(cx - half * (1 + CROP_SCALE)), int(cx + half * (1 + CROP_SCALE))
    # a whole-pixel shift: cuts the box out, grey where it passes the frame's edge
    shift = np.array([[1.0, 0.0, -left], [0.0, 1.0, -top]])
    crop = cv2.warpAffine(np.ascontiguousarray(frame[..., ::-1]), shift, (right - left, bottom - top),
                          flags=cv2.INTER_NEAREST, borderMode=cv2.BORDER_CONSTANT, borderValue=(GREY,) * 3)
    return cv2.resize(crop, (SIZE, SIZE), interpolation=cv2.INTER_LINEAR)


class SyncNet:
    """LSE-D / LSE-C of frames against audio, with the weights of a model folder."""

    def __init__(self, folder: str | Path, device: str = "cpu", batch_size: int = 20):
        folder = Path(folder)
        if not folder.is_dir():
            raise MissingModelError(f"the SyncNet model folder {folder} does not exist: {_get_it(folder)}, or "
                                    f"point DubStudio at the folder that holds it.")
        # safetensors first: no unpickling at all
        path = next((candidate for candidate in (folder / (Path(WEIGHTS).stem + ".safetensors"), folder / WEIGHTS)
                     if candidate.is_file()), None)
        if path is None:
            raise MissingModelError(f"the SyncNet model folder {folder} has no {WEIGHTS}: {_get_it(folder)}.")
        self.device, self.batch_size = device, batch_size
        self.model = SyncNetModel()
        fit_weights(self.model, read_weights(path, _get_it(folder)), path, _get_it(folder))
        self.model.eval().to(device)

    def embeddings(self, crops: np.ndarray, cepstra: np.ndarray, count: int) -> tuple[np.ndarray, np.ndarray]:
        """[count, 1024] embeddings of the video windows (5 crops from each frame) and of the audio windows
        (20 MFCC frames from each frame's 4th), in batches."""
        video, audio = [], []
        with torch.inference_mode():
            for start in range(0, count, self.batch_size):
                frames = range(start, min(count, start + self.batch_size))
                clips = np.stack([crops[k:k + WINDOW] for k in frames]).transpose(0, 4, 1, 2, 3)
                windows = np.stack([cepstra[:, MFCC_PER_FRAME * k:MFCC_PER_FRAME * k + 20] for k in frames])[:, None]
                video.append(self.model.lips(torch.from_numpy(clips.astype(np.float32)).to(self.device)).cpu())
                audio.append(self.model.audio(torch.from_numpy(windows.astype(np.float32)).to(self.device)).cpu())
        return torch.cat(video).numpy(), torch.cat(audio).numpy()

    def lse(self, frames: list[np.ndarray], faces: list[np.ndarray | None], audio: np.ndarray, rate: int,
            fps: Fraction) -> dict[str, float]:
        """{"d": LSE-D, "c": LSE-C} of RGB frames with their face landmarks (None where no face: the
        nearest frame's box is used) against mono audio starting at the first frame."""
        picks = _resample_frames(len(frames), fps)
        sound = resample(np.asarray(audio), rate, RATE)
        length = min(len(picks), len(sound) // (RATE // FPS))
        # as the release: windows start at frames 0 .. length - 6 (it leaves the last full one out)
        count = length - WINDOW
        if count < 1:
            raise LseError(f"too short for SyncNet: LSE needs at least {WINDOW + 1} frames at 25 fps "
                           f"({(WINDOW + 1) / FPS:.2f} s) of video and audio.")
        landmarks = _fill_faces([faces[k] for k in picks[:length]])
        crops = np.stack([face_crop(frames[k], points) for k, points in zip(picks[:length], landmarks)])
        video, heard = self.embeddings(crops, mfcc(sound, RATE), count)
        distance, confidence, _ = lse_distances(video, heard)
        return {"d": distance, "c": confidence}
