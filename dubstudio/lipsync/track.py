"""Face tracks over a run of frames: the faces the face mesh found, joined frame to frame by box
overlap (or, failing that, landmark distance), cut at shot changes, smoothed over time, and the
active speaker's face picked by how well its mouth follows the original dialogue.

Frame numbers here count from the first frame given (0), not from the video's start.
"""

from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

from dubstudio.lipsync.face import eye_distance, face_box, mouth_opening
from dubstudio.lipsync.score import sync_score

SKIP_REASONS = ("no face", "profile", "occluded")
MIN_IOU = 0.3
MAX_SHIFT = 0.6      # a face whose landmarks moved less than this many eye distances is the same face
MAX_GAP = 5          # frames a track waits for its face to come back within a shot
CUT_DISTANCE = 0.45  # Bhattacharyya distance between colour histograms that marks a shot change
LAG_SECONDS = Fraction(2, 25)


@dataclass
class Detection:
    """One face in one frame: 478 landmarks (x, y, z pixels) and why it cannot be used, if it cannot."""
    points: np.ndarray
    reason: str | None = None


@dataclass
class FaceTrack:
    """One face over frames first .. first + len(points) - 1: its landmarks in each (None where it was
    not found) and, per frame, why it is skipped (None: usable)."""
    first: int
    points: list[np.ndarray | None] = field(default_factory=list)
    reasons: list[str | None] = field(default_factory=list)
    shot: int = 0

    @property
    def end(self) -> int:
        return self.first + len(self.points)

    def landmarks(self, frame: int) -> np.ndarray | None:
        """The face's landmarks in this frame, or None if it is skipped there."""
        k = frame - self.first
        if 0 <= k < len(self.points) and self.reasons[k] is None:
            return self.points[k]
        return None

    def usable(self) -> int:
        return sum(reason is None for reason in self.reasons)

    def openings(self, frames: int) -> np.ndarray:
        """Mouth opening in each of frames 0 .. frames - 1 (NaN where the face is skipped)."""
        out = np.full(frames, np.nan)
        for frame in range(max(0, self.first), min(frames, self.end)):
            points = self.landmarks(frame)
            if points is not None:
                out[frame] = mouth_opening(points)
        return out

    def skipped(self, frames: int) -> dict[str, list[int]]:
        """{reason: [frames]} over frames 0 .. frames - 1; frames outside the track have no face."""
        out = {reason: [] for reason in SKIP_REASONS}
        for frame in range(frames):
            k = frame - self.first
            reason = self.reasons[k] if 0 <= k < len(self.reasons) else "no face"
            if reason is not None:
                out[reason].append(frame)
        return out

    def _add(self, frame: int, detection: Detection | None) -> None:
        while self.end < frame:  # frames where the face went missing
            self.points.append(None)
            self.reasons.append("no face")
        self.points.append(None if detection is None else detection.points)
        self.reasons.append("no face" if detection is None else detection.reason)

    def _last_points(self) -> np.ndarray | None:
        return next((p for p in reversed(self.points) if p is not None), None)


def shot_cuts(frames: list[np.ndarray]) -> list[int]:
    """Frames that start a new shot (never 0): a jump in the colour histogram from the frame before."""
    import cv2

    cuts, previous = [], None
    for n, frame in enumerate(frames):
        small = cv2.resize(frame, (64, 36), interpolation=cv2.INTER_AREA)
        hsv = cv2.cvtColor(small, cv2.COLOR_RGB2HSV)
        histogram = cv2.calcHist([hsv], [0, 1], None, [16, 8], [0, 180, 0, 256])
        cv2.normalize(histogram, histogram)
        if previous is not None and cv2.compareHist(previous, histogram, cv2.HISTCMP_BHATTACHARYYA) > CUT_DISTANCE:
            cuts.append(n)
        previous = histogram
    return cuts


def _iou(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> float:
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    if w <= 0 or h <= 0:
        return 0.0
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - w * h
    return w * h / max(1, union)


def _affinity(track: FaceTrack, detection: Detection) -> float:
    """How surely a detection continues a track: box overlap, else closeness of the landmarks."""
    last = track._last_points()
    overlap = _iou(face_box(last), face_box(detection.points))
    if overlap >= MIN_IOU:
        return 1.0 + overlap
    shift = float(np.mean(np.linalg.norm(last[:, :2] - detection.points[:, :2], axis=1))) / eye_distance(last)
    return 1.0 - shift / MAX_SHIFT if shift < MAX_SHIFT else 0.0


def build_tracks(detections: list[list[Detection]], cuts: list[int] = ()) -> list[FaceTrack]:
    """Face tracks from each frame's detections. A cut ends every track (the next shot's faces start
    new ones); within a shot a face missing for up to MAX_GAP frames keeps its track."""
    tracks: list[FaceTrack] = []
    open_tracks: list[FaceTrack] = []
    cut_set, shot = set(cuts), 0
    for frame, found in enumerate(detections):
        if frame in cut_set:
            shot += 1
            open_tracks = []
        open_tracks = [t for t in open_tracks if frame - t.end < MAX_GAP]
        pairs = sorted(((_affinity(t, d), i, j) for i, t in enumerate(open_tracks) for j, d in enumerate(found)),
                       reverse=True)
        taken_tracks, taken_faces = set(), set()
        for affinity, i, j in pairs:
            if affinity > 0 and i not in taken_tracks and j not in taken_faces:
                open_tracks[i]._add(frame, found[j])
                taken_tracks.add(i)
                taken_faces.add(j)
        for j, detection in enumerate(found):
            if j not in taken_faces:
                track = FaceTrack(frame, shot=shot)
                track._add(frame, detection)
                tracks.append(track)
                open_tracks.append(track)
    for track in tracks:  # a face lost at its end: the track stops at its last sighting
        while track.points and track.points[-1] is None:
            track.points.pop()
            track.reasons.pop()
    return tracks


def smooth(track: FaceTrack, fps: Fraction, min_cutoff: float = 1.5, beta: float = 8.0) -> FaceTrack:
    """The track with its landmarks through a One-Euro filter (steady faces keep still, fast moves are
    followed without lag). A missing or skipped frame restarts the filter, as a cut does (tracks end
    at cuts). beta is per eye distance per second, so the filter behaves the same at any face size."""
    rate = float(fps)
    out = FaceTrack(track.first, list(track.points), list(track.reasons), track.shot)
    state = None  # (filtered points, filtered speed)

    def alpha(cutoff):
        tau = 1.0 / (2 * np.pi * cutoff)
        return 1.0 / (1.0 + tau * rate)

    for k, (points, reason) in enumerate(zip(track.points, track.reasons)):
        if points is None or reason is not None:
            state = None
            continue
        if state is None:
            state = (points.astype(np.float64), np.zeros_like(points, np.float64))
            continue
        previous, speed = state
        size = eye_distance(previous)
        raw_speed = (points - previous) * rate
        speed = speed + alpha(1.0) * (raw_speed - speed)
        cutoff = min_cutoff + beta * np.abs(speed) / size
        filtered = previous + alpha(cutoff) * (points - previous)
        state = (filtered, speed)
        out.points[k] = filtered
    return out


def active_track(tracks: list[FaceTrack], source_envelope: np.ndarray | None, fps: Fraction) -> FaceTrack | None:
    """The speaking face over the whole run of frames: in each shot, the track whose mouth opening
    follows the original dialogue's envelope best (with no usable audio, the track seen longest, then
    the biggest), joined into one track across the cuts. None when no frame has a face."""
    frames = len(source_envelope) if source_envelope is not None else max((t.end for t in tracks), default=0)
    lag = max(1, round(LAG_SECONDS * fps))
    chosen: dict[int, FaceTrack] = {}
    best: dict[int, tuple] = {}
    for track in tracks:
        if not track.usable():
            continue
        follows = 0.0
        if source_envelope is not None:
            follows = sync_score(track.openings(frames), source_envelope, lag)
        size = max((eye_distance(p) for p in track.points if p is not None), default=0.0)
        key = (round(follows, 2), track.usable(), size)
        if track.shot not in best or key > best[track.shot]:
            best[track.shot], chosen[track.shot] = key, track
    if not chosen:
        return None
    joined = FaceTrack(0, [None] * frames, ["no face"] * frames)
    for track in sorted(chosen.values(), key=lambda t: t.first):
        for frame in range(max(0, track.first), min(frames, track.end)):
            if joined.reasons[frame] == "no face":
                joined.points[frame] = track.points[frame - track.first]
                joined.reasons[frame] = track.reasons[frame - track.first]
    return joined
