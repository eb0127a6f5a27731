"""Studio lip-sync: Wav2Lip's frames per second at 720p (random weights: the speed is the architecture's),
by batch size, whole renderer (crop, generator, colour match, paste back) and generator alone; and SyncNet's
LSE time per second of video.

No target (issue 12 asks for the figure). Run: .venv/bin/python bench/wav2lip_bench.py [--device cuda]
"""

import argparse
import os
import tempfile
import time
from fractions import Fraction
from pathlib import Path

import numpy as np
from common import report

FPS = Fraction(25)
RATE = 48_000


def talking_head_720p() -> tuple[np.ndarray, np.ndarray]:
    """A 1280x720 frame with a real face (scikit-image's astronaut, scaled to 720 px) and its landmarks."""
    import cv2
    from skimage.data import astronaut

    from dubstudio.engine.backends.facemesh import FaceMesh

    frame = np.full((720, 1280, 3), 30, np.uint8)
    frame[:, 280:1000] = cv2.resize(astronaut(), (720, 720), interpolation=cv2.INTER_CUBIC)
    mesh = FaceMesh(max_faces=1)
    (points,) = mesh.landmarks(frame, video=False)
    mesh.close()
    return frame, points


def speech(frames: int) -> np.ndarray:
    t = np.arange(frames * RATE // 25 + RATE // 5) / RATE
    return (0.3 * np.sin(2 * np.pi * 180 * t) * (0.5 + 0.5 * np.sin(2 * np.pi * 4 * t))).astype(np.float32)


def main() -> None:
    import torch

    from dubstudio.engine.backends.syncnet import SyncNet, SyncNetModel
    from dubstudio.engine.backends.wav2lip import Wav2LipRenderer
    from dubstudio.engine.backends.wav2lip_net import Wav2Lip

    parser = argparse.ArgumentParser()
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--frames", type=int, default=32, help="frames rendered per batch size (at least a batch)")
    args = parser.parse_args()
    print(f"device {args.device}, torch {torch.__version__}, {torch.get_num_threads()} threads, "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (other work slows every figure)")

    frame, points = talking_head_720p()
    frames, faces = [frame] * max(64, args.frames), [points] * max(64, args.frames)
    audio = speech(len(frames))
    folder = Path(tempfile.mkdtemp(prefix="wav2lip-bench-"))
    torch.save({"state_dict": {f"module.{name}": value for name, value in Wav2Lip().state_dict().items()}},
               folder / "wav2lip.pth")
    torch.save(SyncNetModel().state_dict(), folder / "syncnet_v2.model")

    for batch in (1, 16, 64):
        count = max(args.frames, batch)
        renderer = Wav2LipRenderer(folder, device=args.device, batch_size=batch)
        renderer.render(frames[:batch], faces[:batch], audio, RATE, FPS)  # warm up
        started = time.perf_counter()
        renderer.render(frames[:count], faces[:count], audio, RATE, FPS)
        report(f"Wav2Lip 720p, batch {batch}, whole renderer", count / (time.perf_counter() - started), "fps")
        crops, mels = np.zeros((batch, 96, 96, 3), np.uint8), np.zeros((batch, 80, 16), np.float32)
        best = float("inf")
        for _ in range(3):  # the best of three: other work on the machine only slows it down
            started = time.perf_counter()
            renderer.faces(crops, mels)
            best = min(best, time.perf_counter() - started)
        report(f"Wav2Lip generator alone, batch {batch}", batch / best, "fps")

    syncnet = SyncNet(folder, device=args.device)
    clip = 50  # 2 s at 25 fps
    clip_frames, clip_faces, clip_audio = [frame] * clip, [points] * clip, speech(clip)[:clip * RATE // 25]
    started = time.perf_counter()
    syncnet.lse(clip_frames, clip_faces, clip_audio, RATE, FPS)
    report("SyncNet LSE-D/C, time per second of video", (time.perf_counter() - started) / 2, "s")


if __name__ == "__main__":
    main()
