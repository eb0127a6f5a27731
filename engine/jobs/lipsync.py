"""Pipeline step 11 on a worker: one line's frames lip-synced to its dub, written as a lossless segment.

The MouthRenderer protocol, which the embedded method (dubstudio.lipsync.embedded) and Wav2Lip
(dubstudio.engine.backends.wav2lip) implement:

    name: str                          # "embedded", "wav2lip", "wav2lip-gan"
    render(frames, faces, audio, rate, fps, phonemes=None) -> frames
        frames: RGB uint8 [H, W, 3], consecutive; faces: per frame the active face's 478 x 3 landmarks in
        pixels, or None (that frame comes back unchanged); audio: the dub (mono float32 at `rate`) from
        the first frame's time; phonemes: optional (start, end, phoneme) in `rate` samples.

The steps: read the frames; find faces with the face mesh, join them into tracks cut at shot changes,
pick the active speaker (the face whose mouth follows the original dialogue, when more than one face
could be), smooth its landmarks; render in batches (progress and cancellation between them); measure
the mouth opening on the output with the face mesh for the sync score before and after; write FFV1.
"""

import logging
from fractions import Fraction
from pathlib import Path

import numpy as np
import soundfile
from dubstudio.engine.jobs import CancelFlag

from dubstudio.lipsync.embedded import EmbeddedRenderer
from dubstudio.lipsync.errors import LipSyncError
from dubstudio.lipsync.face import mouth_opening
from dubstudio.lipsync.score import speech_envelope, sync_score
from dubstudio.lipsync.track import FaceTrack, active_track, build_tracks, shot_cuts, smooth
from dubstudio.lipsync.warp import reanimate
from dubstudio.media import FrameReader, NoAudioStreamError, VideoWriter, decode_audio
from dubstudio.timing import SAMPLE_RATE, frame_to_samples, parse_frame_rate

log = logging.getLogger(__name__)

METHODS = ("embedded", "wav2lip", "wav2lip-gan")
BATCH = 8  # frames between progress reports and cancellation checks


def _renderer(method: str, inputs: dict, job):
    if method == "embedded":
        return EmbeddedRenderer()
    if method not in METHODS:
        raise LipSyncError(f"there is no lip-sync method '{method}': use one of {', '.join(METHODS)}.")
    folder = inputs.get("folder")
    if not folder:
        raise LipSyncError(f"{method} needs its model folder: give the folder that holds the checkpoint.")
    from dubstudio.engine.backends.wav2lip import Wav2LipRenderer

    gan = method == "wav2lip-gan"
    return job.model(f"{method}:{folder}", lambda: Wav2LipRenderer(Path(folder), gan=gan))


def _face_mesh(job):
    from dubstudio.engine.backends.facemesh import FaceMesh

    return job.model("facemesh", FaceMesh)


def _read_dub(path, samples: int) -> tuple[np.ndarray, int]:
    """The dub, mono, exactly as long as the frames (cut or padded with silence), and its rate."""
    audio, rate = soundfile.read(str(path), dtype="float32", always_2d=True)
    audio = audio.mean(axis=1)
    samples = samples * rate // SAMPLE_RATE
    return np.pad(audio[:samples], (0, max(0, samples - len(audio)))), rate


def _source_envelope(video, fps: Fraction, first: int, count: int, job) -> np.ndarray | None:
    """The original dialogue's envelope over the frames (None if the video has no sound)."""
    try:
        decoded = decode_audio(video, channels=1, cancel=CancelFlag(job))
    except NoAudioStreamError:
        return None
    start, stop = frame_to_samples(first, fps), frame_to_samples(first + count, fps)
    return speech_envelope(decoded.read(start, stop)[:, 0], fps, count, decoded.rate)


def _read_frames(video, first: int, end: int, job) -> list[np.ndarray]:
    frames = []
    with FrameReader(video) as reader:
        for k, frame in enumerate(reader.frames(first, end)):
            if k % BATCH == 0:
                job.progress("read frames", k, end - first)
            frames.append(frame)
    job.progress("read frames", len(frames), end - first)
    return frames


def _active_face(mesh, frames: list[np.ndarray], cuts: list[int], inputs: dict, fps: Fraction, job
                 ) -> FaceTrack | None:
    """The speaking face's track over the frames (None: no usable face anywhere)."""
    detections = []
    for k, frame in enumerate(frames):
        if k % BATCH == 0:
            job.progress("find faces", k, len(frames))
        if k == 0 or k in cuts:  # the mesh's tracker must not follow a face across a cut
            mesh.sequence()
        detections.append(mesh.detect(frame))
    job.progress("find faces", len(frames), len(frames))
    tracks = build_tracks(detections, cuts)
    seen = [track for track in tracks if track.usable()]
    # the original dialogue decides only when a shot shows several faces
    envelope = None
    if len(seen) > len({track.shot for track in seen}):
        envelope = _source_envelope(inputs["video"], fps, int(inputs["first"]), len(frames), job)
    return active_track(tracks, envelope, fps)


def _opening_near(mesh, frame: np.ndarray, face: np.ndarray | None) -> float:
    """The mouth opening the face mesh measures on the face in the frame closest to the given one
    (NaN where no face is given or found)."""
    if face is None:
        return np.nan
    found = mesh.landmarks(frame)
    if not found:
        return np.nan
    centre = face[:, :2].mean(axis=0)
    return mouth_opening(min(found, key=lambda p: float(np.linalg.norm(p[:, :2].mean(axis=0) - centre))))




def _drawer(renderer, frames, faces, dub, rate, fps: Fraction, first: int, phonemes):
    """draw(a, b): frames a .. b - 1 rendered. The embedded shapes are worked out once for the whole
    line, so that its smoothing and loudness scale do not restart at each batch."""
    if isinstance(renderer, EmbeddedRenderer):
        shapes = renderer.shapes(len(frames), dub, rate, fps, phonemes)

        def draw(a: int, b: int) -> list[np.ndarray]:
            return [frames[k] if faces[k] is None else reanimate(frames[k], faces[k], shapes[k]) for k in range(a, b)]
        return draw

    def draw(a: int, b: int) -> list[np.ndarray]:
        offset = frame_to_samples(first + a, fps, rate) - frame_to_samples(first, fps, rate)
        shifted = [(s - offset, e - offset, p) for s, e, p in phonemes or [] if e > offset] or None
        return renderer.render(frames[a:b], faces[a:b], dub[offset:], rate, fps, shifted)
    return draw


def lipsync_line(inputs: dict, job) -> dict:
    """One line's frames lip-synced; the segment is complete under its name, or absent (failure,
    cancellation).

    inputs: video, frame_rate ("25/1"), first, end (frames, end exclusive), dub (WAV from frame first's
    time), method, folder (model folder for wav2lip), syncnet (optional SyncNet folder), phonemes
    (optional [(start, end, phoneme)] in the dub's samples), out (.mkv). Returns the segment's path, the
    frames changed, the frames skipped by reason (video frame numbers), the sync scores before and
    after, LSE before and after when a SyncNet folder is given (and the line is long enough for it),
    and the method."""
    fps = parse_frame_rate(inputs["frame_rate"])
    first, end = int(inputs["first"]), int(inputs["end"])
    if end <= first:
        raise LipSyncError(f"frames {first} to {end} are no frames: a line's end must come after its start.")
    count = end - first
    renderer = _renderer(inputs.get("method") or "embedded", inputs, job)
    mesh = _face_mesh(job)
    frames = _read_frames(inputs["video"], first, end, job)
    cuts = shot_cuts(frames)
    active = _active_face(mesh, frames, cuts, inputs, fps, job) or FaceTrack(0, [None] * count, ["no face"] * count)
    steady = smooth(active, fps)
    dub, rate = _read_dub(inputs["dub"], frame_to_samples(end, fps) - frame_to_samples(first, fps))
    draw = _drawer(renderer, frames, [steady.landmarks(k) for k in range(count)], dub, rate, fps, first,
                   inputs.get("phonemes"))
    raw = [active.landmarks(k) for k in range(count)]
    rendered, after = [], np.full(count, np.nan)
    height, width = frames[0].shape[:2]
    # each batch is written as soon as it is drawn: ffmpeg encodes while the next one is drawn
    with VideoWriter(inputs["out"], (width, height), fps, preset="ffv1") as writer:
        for a in range(0, count, BATCH):
            job.progress("lip-sync", a, count, renderer.name)
            for k, frame in enumerate(draw(a, min(count, a + BATCH)), a):
                if k == 0 or k in cuts:
                    mesh.sequence()
                writer.write(frame)
                after[k] = _opening_near(mesh, frame, raw[k])
                rendered.append(frame)
        job.progress("lip-sync", count, count, renderer.name)

    envelope = speech_envelope(dub, fps, count, rate)
    result = {"segment": str(inputs["out"]), "first": first, "end": end, "method": renderer.name,
              "changed": sum(not np.array_equal(a, b) for a, b in zip(frames, rendered)),
              "skipped": {reason: [first + k for k in found] for reason, found in active.skipped(count).items()},
              "score_before": sync_score(active.openings(count), envelope), "score_after": sync_score(after, envelope)}
    if inputs.get("syncnet"):
        lse = _lse(inputs["syncnet"], frames, rendered, raw, dub, rate, fps, job)
        if lse is not None:
            result["lse"] = lse
    return result


def _lse(folder, frames, rendered, faces, dub, rate, fps, job) -> dict | None:
    """LSE-D/LSE-C before and after; None for a line too short for SyncNet's windows."""
    from dubstudio.engine.backends.syncnet import LseError, SyncNet

    syncnet = job.model(f"syncnet:{folder}", lambda: SyncNet(folder))
    job.progress("lse", 0, 2)
    try:
        before = syncnet.lse(frames, faces, dub, rate, fps)
        job.progress("lse", 1, 2)
        after = syncnet.lse(rendered, faces, dub, rate, fps)
    except LseError as error:
        log.info("no LSE for frames %d to %d: %s", len(frames), len(rendered), error)
        return None
    job.progress("lse", 2, 2)
    return {"before": before, "after": after}
