"""A Piper (VITS) ONNX voice on onnxruntime with espeak-ng phonemes: the embedded English voice.

We run the ONNX ourselves rather than import piper-tts, whose runtime is GPL.
"""

import json
from pathlib import Path

import numpy as np

from dubstudio.engine import assets, phonemize
from dubstudio.engine.onnx import session


class Piper:
    def __init__(self, model: Path | None = None, config: Path | None = None, threads: int | None = None):
        if model is None:
            model, config = assets.piper_joe_paths()
        self.config = json.loads(Path(config or str(model) + ".json").read_text("utf-8"))
        self.session = session(model, threads)
        self.sample_rate = int(self.config["audio"]["sample_rate"])
        self.language = self.config.get("espeak", {}).get("voice", "en-us")
        self.id_map: dict[str, list[int]] = self.config["phoneme_id_map"]
        inference = self.config.get("inference", {})
        self.noise_scale = float(inference.get("noise_scale", 0.667))
        self.noise_w = float(inference.get("noise_w", 0.8))

    def ids(self, phonemes: str) -> list[int]:
        """Piper's id sequence: BOS, then each phoneme followed by the pad id, then EOS."""
        pad = self.id_map["_"]
        ids = list(self.id_map["^"]) + list(pad)
        for ch in phonemes:
            if ch in self.id_map:
                ids += self.id_map[ch] + pad
        return ids + list(self.id_map["$"])

    def synthesize(self, text: str, speed: float = 1.0) -> np.ndarray:
        """Mono float32 audio at the voice's rate; speed > 1 speaks faster."""
        ids = self.ids(phonemize.ipa(text, self.language))
        audio = self.session.run(None, {
            "input": np.array([ids], dtype=np.int64),
            "input_lengths": np.array([len(ids)], dtype=np.int64),
            "scales": np.array([self.noise_scale, 1.0 / speed, self.noise_w], dtype=np.float32),
        })[0]
        return np.asarray(audio, np.float32).ravel()
