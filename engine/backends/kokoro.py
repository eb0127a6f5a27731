"""Kokoro-82M (int8 ONNX) on onnxruntime with espeak-ng phonemes: the embedded multilingual voice.

The packaged front end only speaks Japanese, so this is our own runner: phonemes from espeak-ng,
mapped through the model's vocabulary; the style vector is chosen by token count, as Kokoro expects.
The engine runs a float copy of the int8 weights (engine_model_path): onnxruntime's integer
convolutions are slower on CPU than its float ones. Its decoder (the iSTFTNet vocoder, nine tenths
of a render) runs on PyTorch where it can, in bfloat16 on CPUs with bfloat16 matrix units: about
twice as fast (engine/onnx_on_torch.py says why). onnxruntime runs the text encoder and duration
and pitch predictors, which use its fused and quantized operators.
"""

import importlib.util
import json
import logging
import os
from pathlib import Path

import numpy as np
from dubstudio.engine import assets, phonemize
from dubstudio.engine.onnx import session

from dubstudio import paths
from dubstudio.errors import DubStudioError

log = logging.getLogger(__name__)

SAMPLE_RATE = 24_000
MAX_TOKENS = 510  # the model's context, less the two boundary tokens
# where Kokoro v1.0's export hands over to its decoder: the text features spread over the frames,
# the pitch (F0) curve and the energy (N) curve
DECODER_INPUTS = ("/encoder/MatMul_1_output_0", "/encoder/Reshape_output_0", "/encoder/Reshape_1_output_0")


def engine_model_path() -> Path:
    """The released int8 model with its weights dequantized (converted once, cached), or the int8
    model itself where the onnx package that converts it is missing."""
    source = assets.kokoro_model_path()
    if importlib.util.find_spec("onnx") is None:
        log.warning("the Python package onnx is missing: Kokoro runs its slower int8 model (pip install onnx)")
        return source
    from dubstudio.engine.dequantize import dequantized_path

    return dequantized_path(source)


def _torch_decoder(model: Path, threads: int | None):
    """(onnxruntime session of the model up to its decoder, the decoder on PyTorch), or None where
    PyTorch or onnx is missing or the model is not the export this split knows."""
    if importlib.util.find_spec("torch") is None or importlib.util.find_spec("onnx") is None:
        return None
    import onnx
    import torch
    from dubstudio.engine.onnx_graph import split_files
    from dubstudio.engine.onnx_on_torch import TorchGraph, Unsupported, matrix_dtype

    head, tail = split_files(model, DECODER_INPUTS, paths.cache_dir("models", "split"))
    tail = onnx.load(str(tail))
    if not tail.graph.node or not set(DECODER_INPUTS) <= {value.name for value in tail.graph.input}:
        log.info("%s is not Kokoro v1.0's export: its decoder runs on onnxruntime", model.name)
        return None
    try:
        decoder = TorchGraph.from_model(tail, conv_dtype=matrix_dtype())
    except Unsupported as error:
        log.info("Kokoro's decoder runs on onnxruntime: PyTorch here lacks %s", error)
        return None
    torch.set_num_threads(threads or max(1, os.cpu_count() or 1))  # Dask's workers start with one
    return session(head, threads), decoder


class Kokoro:
    sample_rate = SAMPLE_RATE

    def __init__(self, threads: int | None = None, model: Path | None = None, torch_decoder: bool = True):
        """model: an ONNX file of Kokoro (default: engine_model_path()). torch_decoder: run the decoder
        on PyTorch where possible (False: the whole model on onnxruntime)."""
        model = model or engine_model_path()
        split = _torch_decoder(model, threads) if torch_decoder else None
        self.session, self.decoder = split or (session(model, threads), None)
        self._handed_over = [output.name for output in self.session.get_outputs()]
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
            feed = {"tokens": np.array([[0, *ids, 0]], dtype=np.int64), "style": style,
                    "speed": np.array([speed], dtype=np.float32)}
            pieces.append(np.asarray(self.infer(feed), np.float32).ravel())
        return np.concatenate(pieces) if pieces else np.zeros(0, np.float32)

    def infer(self, feed: dict[str, np.ndarray]) -> np.ndarray:
        """The model's audio for one chunk's inputs (tokens, style, speed)."""
        outputs = self.session.run(None, feed)
        if self.decoder is None:
            return outputs[0]
        return self.decoder(**feed, **dict(zip(self._handed_over, outputs)))["audio"]
