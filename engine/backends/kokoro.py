"""Kokoro-82M (int8 ONNX) on onnxruntime with espeak-ng phonemes: the embedded multilingual voice.

The packaged front end only speaks Japanese, so this is our own runner: phonemes from espeak-ng,
mapped through the model's vocabulary; the style vector is chosen by token count, as Kokoro expects.
The engine runs a float copy of the int8 weights (engine_model_path): onnxruntime's integer
convolutions are slower on CPU than its float ones.
"""

import importlib.util
import json
import logging
from pathlib import Path

import numpy as np

from dubstudio.errors import DubStudioError
from dubstudio.engine import assets, phonemize
from dubstudio.engine.onnx import session

log = logging.getLogger(__name__)

SAMPLE_RATE = 24_000
MAX_TOKENS = 510  # the model's context, less the two boundary tokens


def engine_model_path() -> Path:
    """The released int8 model with its weights dequantized (converted once, cached), or the int8
    model itself where the onnx package that converts it is missing."""
    source = assets.kokoro_model_path()
    if importlib.util.find_spec("onnx") is None:
        log.warning("the Python package onnx is missing: Kokoro runs its slower int8 model (pip install onnx)")
        return source
    from dubstudio.engine.dequantize import dequantized_path

    return dequantized_path(source)


class Kokoro:
    sample_rate = SAMPLE_RATE

    def __init__(self, threads: int | None = None, model: Path | None = None):
        """model: an ONNX file of Kokoro (default: the released int8 model)."""
        self.session = session(model or assets.kokoro_model_path(), threads)
        self.vocab: dict[str, int] = json.loads(assets.kokoro_vocab_path().read_text("utf-8"))["vocab"]
        with np.load(assets.kokoro_voices_path()) as npz:
            self.styles = {name: npz[name] for name in npz.files}

    @property
    def voices(self) -> list[str]:
        return sorted(self.styles)

    def tokens(self, text: str, language: str) -> list[list[int]]:
        """Token ids for text, split into chunks the model accepts (at clause ends where possible)."""
        ids = [self.vocab[ch] for ch in phonemize.ipa(text, language) if ch in self.vocab]
        chunks, breaks = [], {self.vocab.get(p) for p in ".,;:!?"}
        while len(ids) > MAX_TOKENS:
            cut = max((i + 1 for i in range(MAX_TOKENS) if ids[i] in breaks), default=MAX_TOKENS)
            chunks.append(ids[:cut])
            ids = ids[cut:]
        return chunks + ([ids] if ids else [])

    def synthesize(self, text: str, voice: str | np.ndarray, language: str = "en",
                   speed: float = 1.0) -> np.ndarray:
        """Mono float32 audio at 24 kHz. voice is a stock voice name or a [510, 1, 256] style table."""
        style_table = self.styles.get(voice) if isinstance(voice, str) else voice
        if style_table is None:
            raise DubStudioError(f"Kokoro has no voice '{voice}': choose one of {', '.join(self.voices)}.")
        pieces = []
        for ids in self.tokens(text, language):
            style = np.asarray(style_table[len(ids) - 1], np.float32).reshape(1, 256)
            audio = self.session.run(None, {
                "tokens": np.array([[0, *ids, 0]], dtype=np.int64),
                "style": style,
                "speed": np.array([speed], dtype=np.float32),
            })[0]
            pieces.append(np.asarray(audio, np.float32).ravel())
        return np.concatenate(pieces) if pieces else np.zeros(0, np.float32)
