"""Lip-sync geometry shared by every method: MediaPipe face-mesh landmark sets and measures (face),
face tracks and the active speaker (track), the sync score (score), blending back into frames (blend),
and the embedded mouth re-animation (visemes, warp, embedded). numpy, and OpenCV imported inside the
functions that draw (importing the core loads no OpenCV)."""
