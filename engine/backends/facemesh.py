"""MediaPipe's face mesh (the legacy `mediapipe.solutions.face_mesh` of mediapipe 0.10.21, weights in
the package): 478 landmarks per face with refine_landmarks=True, in pixels, and for each face whether
lip-sync can use it: not a profile beyond 45 degrees, a mouth that is not hidden.

One FaceMesh per worker (the model cache keeps it). In video mode the mesh tracks a face from frame
to frame and runs its face detector only when it loses one; `sequence()` starts a fresh tracker,
which each run of frames (a line) does, so a previous job's faces never leak into the next.
"""

import contextlib
import warnings

import numpy as np
from dubstudio.engine import native_chatter

from dubstudio.lipsync.face import lip_contrast, lips_plausible, yaw_degrees
from dubstudio.lipsync.track import Detection

MAX_YAW = 45.0
MIN_LIP_CONTRAST = 3.5  # Lab distance; real lips measure 10 or more, a hand or a microphone about 0-1
MAX_FACES = 4


def skip_reason(frame: np.ndarray, points: np.ndarray) -> str | None:
    """Why lip-sync must leave this face alone in this frame, or None."""
    if abs(yaw_degrees(points)) > MAX_YAW:
        return "profile"
    if not lips_plausible(points) or lip_contrast(frame, points) < MIN_LIP_CONTRAST:
        return "occluded"
    return None


def _protobuf_compat() -> None:
    """mediapipe 0.10.21 asks protobuf's MessageFactory for GetPrototype, which protobuf 5 removed
    (GetMessageClass replaced it): without it every graph prints an AttributeError, and carries on."""
    from google.protobuf import message_factory

    if not hasattr(message_factory.MessageFactory, "GetPrototype"):
        message_factory.MessageFactory.GetPrototype = lambda self, descriptor: message_factory.GetMessageClass(
            descriptor)


class FaceMesh:
    def __init__(self, max_faces: int = MAX_FACES, min_detection: float = 0.5, min_tracking: float = 0.5):
        _protobuf_compat()
        import mediapipe

        self._solution = mediapipe.solutions.face_mesh
        self._options = {"refine_landmarks": True, "max_num_faces": max_faces,
                             "min_detection_confidence": min_detection, "min_tracking_confidence": min_tracking}
        self._mesh = None
        self._fresh: set[int] = set()  # graphs not run yet: their first frame logs from C++
        self._static = self._make(static=True)

    def _make(self, static: bool):
        with warnings.catch_warnings():  # mediapipe 0.10.21 reads protobuf's deprecated `label`
            warnings.simplefilter("ignore", DeprecationWarning)
            with native_chatter.without(native_chatter.MEDIAPIPE):
                mesh = self._solution.FaceMesh(static_image_mode=static, **self._options)
        self._fresh.add(id(mesh))
        return mesh

    def sequence(self) -> None:
        """Start a new run of consecutive frames (a fresh tracker; making one takes about 15 ms)."""
        if self._mesh is not None:
            self._mesh.close()
        self._mesh = self._make(static=False)

    def landmarks(self, frame: np.ndarray, video: bool = True) -> list[np.ndarray]:
        """Each face's landmarks in an RGB uint8 frame: float64 [478, 3] (x, y, z) in pixels, z scaled
        like x. video=True uses the tracker (consecutive frames), False looks at the frame alone."""
        if video and self._mesh is None:
            self.sequence()
        mesh = self._mesh if video else self._static
        fresh = id(mesh) in self._fresh
        self._fresh.discard(id(mesh))
        with native_chatter.without(native_chatter.MEDIAPIPE) if fresh else contextlib.nullcontext():
            found = mesh.process(np.ascontiguousarray(frame))
        height, width = frame.shape[:2]
        scale = np.array([width, height, width], np.float64)
        return [np.array([(p.x, p.y, p.z) for p in face.landmark], np.float64) * scale
                for face in found.multi_face_landmarks or []]

    def detect(self, frame: np.ndarray, video: bool = True) -> list[Detection]:
        """The faces in a frame, each with its landmarks and its skip reason (None: usable)."""
        return [Detection(points, skip_reason(frame, points)) for points in self.landmarks(frame, video)]

    def close(self) -> None:
        for mesh in (self._mesh, self._static):
            if mesh is not None:
                mesh.close()
        self._mesh = None
