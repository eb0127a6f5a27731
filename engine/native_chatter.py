"""Native libraries' known chatter kept off stderr. MediaPipe's C++ (absl, TensorFlow Lite) logs
to file descriptor 2 whatever Python's logging says, and a user reading `dubstudio demo` took its
warnings for errors. While a call runs, descriptor 2 goes to a file; afterwards every line that is
not known chatter is written back, so nothing else written meanwhile (by any thread) is lost."""

import os
import re
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager

# MediaPipe 0.10.21 building a face mesh graph and running it the first time
MEDIAPIPE = re.compile(r"^(INFO: Created TensorFlow Lite XNNPACK delegate|WARNING: All log messages before "
                       r"absl::InitializeLog\(\)|[IW]\d{4} [\d:. ]+\d+ (inference_feedback_manager|"
                       r"landmark_projection_calculator)\.cc:\d+\])")
EVERYTHING = re.compile("")


@contextmanager
def without(chatter: re.Pattern) -> Iterator[None]:
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile() as capture:
        os.dup2(capture.fileno(), 2)
        try:
            yield
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)
            capture.seek(0)
            lines = capture.read().decode("utf-8", "replace").splitlines(keepends=True)
            kept = "".join(line for line in lines if not chatter.match(line))
            if kept:
                os.write(2, kept.encode())
