"""MarianMT (Opus-MT) and NLLB through transformers, from a model folder the user provides: studio
translation backends returning n-best candidates from beam search.

Weights load from safetensors where the folder has them, else from pytorch_model.bin with
weights_only=True; nothing is ever fetched from a hub.
"""

import json
import re
from collections.abc import Sequence
from functools import cached_property
from pathlib import Path

from dubstudio.errors import DubStudioError, MissingModelError
from dubstudio.translation import languages
from dubstudio.translation.pairs import UnsupportedPairError, describe
from dubstudio.translation.types import Candidate

SAFETENSORS = ("model.safetensors", "model.safetensors.index.json")
WEIGHTS = (*SAFETENSORS, "pytorch_model.bin", "pytorch_model.bin.index.json")
# each entry: files of which one must be there
REQUIRED = {"marian": [("source.spm",), ("target.spm",), ("vocab.json",), WEIGHTS],
            "nllb": [("tokenizer.json",), WEIGHTS]}
HINT = ("put the complete model folder there (every file of e.g. Helsinki-NLP/opus-mt-en-es or "
        "facebook/nllb-200-distilled-600M) or point DubStudio at another folder")
MODEL_TYPES = {"marian": "marian", "m2m_100": "nllb"}  # config.json model_type -> our kind
_TARGET_TOKEN = re.compile(r"^>>(\w+)<<$")  # multi-target Opus-MT models pick the language this way


def import_transformers():
    """transformers, kept from importing torchaudio where torchaudio cannot load: every torchaudio
    wheel on PyPI is a CUDA build, whose extension fails on a CPU-only torch, and transformers
    imports it for audio models that translation never uses."""
    try:
        import torchaudio  # noqa: F401
    except ImportError:
        pass  # not installed: transformers will not look for it either
    except OSError:
        import transformers.utils

        transformers.utils.is_torchaudio_available = lambda: False
    import transformers

    return transformers


def check_folder(folder: Path) -> str:
    """'marian' or 'nllb' if folder holds a complete model of that kind; else an error naming what
    is missing."""
    folder = Path(folder)
    config = folder / "config.json"
    if not config.is_file():
        raise MissingModelError(f"the translation model folder {folder} has no config.json: {HINT}.")
    model_type = json.loads(config.read_text("utf-8")).get("model_type", "")
    kind = MODEL_TYPES.get(model_type)
    if kind is None:
        raise MissingModelError(f"{folder} holds a '{model_type}' model, not MarianMT or NLLB: point "
                                f"DubStudio at a MarianMT (Opus-MT) or NLLB model folder.")
    missing = [" or ".join(names) for names in REQUIRED[kind]
               if not any((folder / name).is_file() for name in names)]
    if missing:
        raise MissingModelError(f"the {kind} model folder {folder} is incomplete ({'; '.join(missing)} "
                                f"missing): {HINT}.")
    return kind


def marian_languages(folder: Path, vocabulary: Sequence[str], source: str | None,
                     target: str | None) -> tuple[str, dict[str, str]]:
    """An Opus-MT model's source language and its targets: {code: token to put before each line
    ('' for a single-target model)}. tokenizer_config.json names the languages of a model from the
    hub; the caller's source and target override it."""
    config_path = Path(folder) / "tokenizer_config.json"
    config = json.loads(config_path.read_text("utf-8")) if config_path.is_file() else {}
    source = source or languages.normalize(config.get("source_lang", ""))
    tokens = {languages.normalize(m[1]): m[0] for m in map(_TARGET_TOKEN.match, vocabulary) if m}
    tokens.pop(None, None)
    if tokens:
        targets = {target: tokens[target]} if target in tokens else tokens
    else:
        target = target or languages.normalize(config.get("target_lang", ""))
        targets = {target: ""} if target else {}
    if not source or not targets:
        raise DubStudioError(f"the model in {folder} does not say which languages it translates: give "
                             f"its source and target language in its model settings.")
    return source, targets


class MarianTranslator:
    """A MarianMT or NLLB model from a local transformers folder."""

    def __init__(self, folder: Path, source: str | None = None, target: str | None = None,
                 beam_size: int = 5, max_length: int = 256, batch_size: int = 8, threads: int | None = None):
        self.folder = Path(folder)
        self.kind = check_folder(self.folder)
        self.name = f"{self.kind}:{self.folder.name}"
        self.beam_size, self.max_length, self.batch_size = beam_size, max_length, batch_size
        transformers = import_transformers()
        import torch

        if threads:
            torch.set_num_threads(threads)
        model_class = (transformers.MarianMTModel if self.kind == "marian"
                       else transformers.M2M100ForConditionalGeneration)
        safetensors = any((self.folder / name).is_file() for name in SAFETENSORS)
        self.model = model_class.from_pretrained(self.folder, local_files_only=True,
                                                 use_safetensors=safetensors, weights_only=True).eval()
        self.tokenizer = transformers.AutoTokenizer.from_pretrained(self.folder, local_files_only=True)
        if self.kind == "marian":
            self.source, self.targets = marian_languages(self.folder, list(self.tokenizer.get_vocab()),
                                                         source, target)

    @cached_property
    def _nllb_languages(self) -> list[str]:
        vocabulary = self.tokenizer.get_vocab()
        return [code for code in languages.LANGUAGES if languages.flores(code) in vocabulary]

    def pairs(self) -> frozenset[tuple[str, str]]:
        if self.kind == "marian":
            return frozenset((self.source, target) for target in self.targets)
        return frozenset((s, t) for s in self._nllb_languages for t in self._nllb_languages if s != t)

    def translate(self, lines: Sequence[str], source: str, target: str,
                  n_best: int = 1) -> list[list[Candidate]]:
        if (source, target) not in self.pairs():
            raise UnsupportedPairError(f"{self.name} does not translate {source}->{target} (it has "
                                       f"{describe(self.pairs())}): choose another model.")
        import torch

        settings = {"num_beams": max(self.beam_size, n_best), "num_return_sequences": n_best,
                    "output_scores": True, "return_dict_in_generate": True}
        if self.kind == "nllb":
            self.tokenizer.src_lang = languages.flores(source)
            settings["forced_bos_token_id"] = self.tokenizer.convert_tokens_to_ids(languages.flores(target))
            prefix = ""
        else:
            prefix = self.targets[target] and self.targets[target] + " "
        results = []
        for begin in range(0, len(lines), self.batch_size):
            batch = [prefix + line for line in lines[begin:begin + self.batch_size]]
            encoded = self.tokenizer(batch, return_tensors="pt", padding=True, truncation=True,
                                     max_length=self.max_length)
            # a translation seldom runs to twice the source's tokens; this bounds a runaway beam
            limit = min(self.max_length, 2 * encoded["input_ids"].shape[1] + 10)
            with torch.inference_mode():
                out = self.model.generate(**encoded, max_new_tokens=limit, **settings)
            texts = self.tokenizer.batch_decode(out.sequences, skip_special_tokens=True)
            scores = getattr(out, "sequences_scores", None)  # greedy search (num_beams=1) has none
            scores = [None] * len(texts) if scores is None else scores.tolist()
            for i in range(len(batch)):
                rows = range(i * n_best, (i + 1) * n_best)
                results.append([Candidate(texts[r].strip(), self.name, scores[r]) for r in rows])
        return results
