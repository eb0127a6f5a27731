"""Similarity of voices to a speaker, as the engine's "similarity" job measured them, kept per (speaker's
reference audio, language, voice) in the cache folder: reopening the dialog costs nothing. Qt-free.

The reference audio's file is named by its content (pipeline.voices.reference_file), so a speaker whose
references change gets fresh scores.
"""

import json
import os
from pathlib import Path

from dubstudio import paths

VERSION = 1  # bump when the engine's measure changes (dubstudio.engine.casting.CACHE_VERSION)


class SimilarityCache:
    def __init__(self, folder: Path | None = None):
        self.folder = folder or paths.cache_dir("similarity")
        self._loaded: dict[Path, dict[str, float]] = {}

    def _path(self, reference: str, language: str) -> Path:
        return self.folder / f"{Path(reference).stem}-{language}-v{VERSION}.json"

    def scores(self, reference: str, language: str) -> dict[str, float]:
        """Similarity by voice key (catalog.spec_key) for a reference file and a language."""
        path = self._path(reference, language)
        if path not in self._loaded:
            try:
                self._loaded[path] = json.loads(path.read_text("utf-8"))
            except (FileNotFoundError, ValueError):  # none yet, or damaged: measured again
                self._loaded[path] = {}
        return self._loaded[path]

    def add(self, reference: str, language: str, scores: dict[str, float]) -> None:
        merged = self.scores(reference, language) | scores
        path = self._path(reference, language)
        partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
        partial.write_text(json.dumps(merged, sort_keys=True), "utf-8")
        partial.replace(path)
        self._loaded[path] = merged
