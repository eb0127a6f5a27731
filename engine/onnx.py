"""onnxruntime sessions as the engine wants them: CPU, a bounded thread count, seeded.

Piper draws random noise inside its graph. onnxruntime seeds a random kernel's generator when the
session is created, from the global seed, so a session created after set_seed gives the same
audio for the same sequence of calls: the sample clip is reproducible.
"""

import os
from pathlib import Path

SEED = 1234


def session(model: Path, threads: int | None = None):
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = threads or max(1, os.cpu_count() or 1)
    options.inter_op_num_threads = 1
    options.log_severity_level = 3
    onnxruntime.set_seed(SEED)
    return onnxruntime.InferenceSession(str(model), sess_options=options, providers=["CPUExecutionProvider"])
