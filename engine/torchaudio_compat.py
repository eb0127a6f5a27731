"""torchaudio without its compiled extension, where that cannot load.

Every Linux torchaudio 2.11 wheel on PyPI is a CUDA build whose extension fails on a CPU-only torch
(libc10_cuda.so). pyannote, coqui and transformers use only its pure-Python parts (Kaldi fbank,
resampling, mel spectrograms), which torchaudio runs when it believes the extension is absent.
"""

import sys
import types


def import_torchaudio():
    try:
        import torchaudio
    except OSError:
        stub = types.ModuleType("torchaudio._extension")
        stub._IS_TORCHAUDIO_EXT_AVAILABLE = False
        stub._IS_ALIGN_AVAILABLE = False
        stub.fail_if_no_align = _needs_extension
        sys.modules["torchaudio._extension"] = stub
        import torchaudio
    return torchaudio


def _needs_extension(function):
    def unavailable(*args, **kwargs):
        raise RuntimeError(f"torchaudio's {function.__name__} needs its compiled extension, which "
                           f"does not load with this torch")
    return unavailable
