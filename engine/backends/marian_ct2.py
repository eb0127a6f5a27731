"""Opus-MT (MarianMT) converted to CTranslate2: the same models as marian.py, several times faster
on a CPU with int8 weights, and without torch. Tokenised with the model's own sentencepiece files.

    convert(opus_mt_folder, ct2_folder)   # once, from a transformers Opus-MT folder
"""

import json
import os
from collections.abc import Sequence
from pathlib import Path

from dubstudio.engine.backends.marian import check_folder, import_transformers, marian_languages

from dubstudio.errors import MissingModelError
from dubstudio.translation.pairs import UnsupportedPairError, describe
from dubstudio.translation.types import Candidate

VOCABULARIES = ("shared_vocabulary.json", "shared_vocabulary.txt", "target_vocabulary.json",
                "target_vocabulary.txt")
REQUIRED = [("model.bin",), ("source.spm",), ("target.spm",), VOCABULARIES]
# what convert() copies beside model.bin: the tokenizer, and the languages for marian_languages
COPIED = ["source.spm", "target.spm", "tokenizer_config.json"]


def check_ct2_folder(folder: Path) -> Path:
    folder = Path(folder)
    missing = [" or ".join(names) for names in REQUIRED if not any((folder / n).is_file() for n in names)]
    if missing:
        raise MissingModelError(f"the CTranslate2 Opus-MT folder {folder} is incomplete "
                                f"({'; '.join(missing)} missing): convert an Opus-MT folder with DubStudio "
                                f"(or ct2-transformers-converter --copy_files source.spm target.spm "
                                f"tokenizer_config.json).")
    return folder


def convert(source_folder: Path, target_folder: Path, quantization: str | None = "int8") -> Path:
    """A CTranslate2 copy of a transformers Opus-MT folder (int8 weights unless told otherwise)."""
    if check_folder(source_folder) != "marian":
        raise MissingModelError(f"{source_folder} is not an Opus-MT (MarianMT) model: only those convert "
                                f"to this backend.")
    import_transformers()
    from ctranslate2.converters import TransformersConverter

    copy = [name for name in COPIED if (Path(source_folder) / name).is_file()]
    converter = TransformersConverter(str(source_folder), copy_files=copy, low_cpu_mem_usage=True)
    return Path(converter.convert(str(target_folder), quantization=quantization, force=True))


def _vocabulary(folder: Path) -> list[str]:
    path = next(folder / name for name in VOCABULARIES if (folder / name).is_file())
    text = path.read_text("utf-8")
    return json.loads(text) if path.suffix == ".json" else text.splitlines()


class OpusMTCT2:
    def __init__(self, folder: Path, source: str | None = None, target: str | None = None,
                 beam_size: int = 5, max_length: int = 256, batch_size: int = 16, threads: int | None = None,
                 compute_type: str = "auto"):
        import ctranslate2
        import sentencepiece

        self.folder = check_ct2_folder(folder)
        self.name = f"opus-mt-ct2:{self.folder.name}"
        self.beam_size, self.max_length, self.batch_size = beam_size, max_length, batch_size
        self.source, self.targets = marian_languages(self.folder, _vocabulary(self.folder), source, target)
        self._pairs = frozenset((self.source, target) for target in self.targets)
        self.translator = ctranslate2.Translator(str(self.folder), device="cpu", compute_type=compute_type,
                                                 intra_threads=threads or os.cpu_count() or 1)
        self.source_pieces = sentencepiece.SentencePieceProcessor(model_file=str(self.folder / "source.spm"))
        self.target_pieces = sentencepiece.SentencePieceProcessor(model_file=str(self.folder / "target.spm"))

    def pairs(self) -> frozenset[tuple[str, str]]:
        return self._pairs

    def translate(self, lines: Sequence[str], source: str, target: str,
                  n_best: int = 1) -> list[list[Candidate]]:
        if (source, target) not in self._pairs:
            raise UnsupportedPairError(f"{self.name} does not translate {source}->{target} (it has "
                                       f"{describe(self._pairs)}): choose another model.")
        prefix = [self.targets[target]] if self.targets[target] else []
        tokens = [prefix + self.source_pieces.encode(line, out_type=str)[:self.max_length - 2] + ["</s>"]
                  for line in lines]
        results = self.translator.translate_batch(
            tokens, max_batch_size=self.batch_size, beam_size=max(self.beam_size, n_best),
            num_hypotheses=n_best, return_scores=True,
            # a translation seldom runs to twice the source's tokens; this bounds a runaway beam
            max_decoding_length=min(self.max_length, 2 * max(map(len, tokens), default=1) + 10))
        return [[Candidate(self.target_pieces.decode(hypothesis).strip(), self.name, score)
                 for hypothesis, score in zip(result.hypotheses, result.scores)] for result in results]
