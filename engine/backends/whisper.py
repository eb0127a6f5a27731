"""Speech-to-text with faster-whisper: the packaged Whisper base (embedded) or any CTranslate2
Whisper folder the user provides (studio: small ... large-v3). Word timestamps, language detection
or a forced language, VAD filtering, and progress per segment as the transcript streams.
"""

import json
import logging
import os
from pathlib import Path
from typing import Callable

import numpy as np

from dubstudio.errors import DubStudioError, MissingModelError
from dubstudio.engine import assets
from dubstudio.speech.types import SPEECH_RATE, Transcript, Word, to_samples

log = logging.getLogger(__name__)

REQUIRED_FILES = ("model.bin", "config.json", "tokenizer.json")
VOCABULARY_FILES = ("vocabulary.json", "vocabulary.txt")

Progress = Callable[[str, int, int, str], None]


def check_model_folder(folder: Path) -> Path:
    """The folder, if it holds a CTranslate2 Whisper model; else an error naming what is missing."""
    folder = Path(folder)
    if not folder.is_dir():
        raise MissingModelError(f"the Whisper model folder {folder} does not exist: point DubStudio at a "
                                f"CTranslate2 Whisper folder ({', '.join(REQUIRED_FILES)}, vocabulary.json).")
    missing = [name for name in REQUIRED_FILES if not (folder / name).is_file()]
    if not any((folder / name).is_file() for name in VOCABULARY_FILES):
        missing.append("vocabulary.json")
    if missing:
        raise MissingModelError(f"the Whisper model folder {folder} is incomplete: {', '.join(missing)} "
                                f"missing (convert the model with ct2-transformers-converter --copy_files "
                                f"tokenizer.json).")
    # ctranslate2 converting under transformers 5 writes no language ids; such a model crashes the
    # moment it detects a language
    config = json.loads((folder / "config.json").read_text() or "{}")
    if config.get("lang_ids") == []:
        raise MissingModelError(f"the Whisper model in {folder} was converted without its language list "
                                f"(config.json lang_ids is empty): convert it again with transformers 4.x.")
    return folder


class Whisper:
    def __init__(self, folder: Path | None = None, threads: int | None = None):
        from faster_whisper import WhisperModel

        self.folder = check_model_folder(folder) if folder else assets.whisper_base_dir()
        self.model = WhisperModel(str(self.folder), device="cpu", compute_type="int8",
                                  cpu_threads=threads or os.cpu_count() or 1)

    @property
    def languages(self) -> list[str]:
        return list(self.model.supported_languages)

    def transcribe(self, audio: np.ndarray, language: str | None = None, vad: bool = True,
                   progress: Progress | None = None, beam_size: int = 5) -> Transcript:
        """audio: mono float32 at 16 kHz. Words carry project-rate sample times."""
        if language is not None and language not in self.model.supported_languages:
            raise DubStudioError(f"this Whisper model does not know the language '{language}': use one of "
                                 f"{', '.join(sorted(self.model.supported_languages))}, or leave it to detection.")
        audio = np.ascontiguousarray(audio, dtype=np.float32)
        total = to_samples(len(audio) / SPEECH_RATE)
        segments, info = self.model.transcribe(
            audio, language=language, word_timestamps=True, vad_filter=vad, beam_size=beam_size,
            # each segment stands alone: a hallucination cannot run on into the next one
            condition_on_previous_text=False,
            vad_parameters={"min_silence_duration_ms": 300, "speech_pad_ms": 200})
        transcript = Transcript(info.language, float(info.language_probability), duration=total)
        for segment in segments:
            for word in segment.words or ():
                transcript.words.append(Word(to_samples(word.start), to_samples(word.end), word.word,
                                             float(word.probability)))
            if progress:
                progress("transcribe", min(total, to_samples(segment.end)), total, segment.text.strip())
        log.info("transcribed %d words, language %s (%.2f)", len(transcript.words), info.language,
                 info.language_probability)
        return transcript
