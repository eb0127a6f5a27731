"""MediaPipe's native chatter stays off stderr (a user took it for errors in `dubstudio demo`), while
whatever else reaches stderr meanwhile, from Python or native code, is written back."""

import subprocess
import sys

import pytest

FACE_MESH = """
import numpy as np
from dubstudio.engine.backends.facemesh import FaceMesh
mesh = FaceMesh()
frame = np.zeros((240, 320, 3), np.uint8)
assert mesh.landmarks(frame, video=False) == [] and mesh.landmarks(frame) == []
mesh.sequence()
mesh.landmarks(frame)
mesh.close()
"""

FILTER = """
import os, sys
from dubstudio.engine import native_chatter
with native_chatter.without(native_chatter.MEDIAPIPE):
    os.write(2, b"W0000 00:00:1795258455.379274   11446 inference_feedback_manager.cc:114] Feedback manager\\n")
    os.write(2, b"INFO: Created TensorFlow Lite XNNPACK delegate for CPU.\\n")
    os.write(2, b"E0000 00:00:1795258455.379274   11446 something_else.cc:9] a real error\\n")
    print("from Python", file=sys.stderr)
print("after", file=sys.stderr)
"""


def run(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False)


def test_a_face_mesh_says_nothing_on_stderr():
    pytest.importorskip("mediapipe")
    result = run(FACE_MESH)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""


def test_only_the_known_chatter_is_dropped():
    result = run(FILTER)
    assert result.returncode == 0
    assert result.stderr.splitlines() == ["E0000 00:00:1795258455.379274   11446 something_else.cc:9] a real error",
                                          "from Python", "after"]
