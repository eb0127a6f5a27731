"""Text to IPA phonemes through espeak-ng (a separate GPL program, run as a subprocess).

Piper and Kokoro were trained on espeak-ng IPA with the text's punctuation kept between clauses,
so clauses are phonemized one at a time and their punctuation put back.
"""

import re
import subprocess

from dubstudio import tools
from dubstudio.errors import DubStudioError

_CLAUSE = re.compile(r"([^.,;:!?¡¿…]+)([.,;:!?¡¿…]*)")

# DubStudio language codes -> espeak-ng voice names, where they differ
ESPEAK_VOICES = {"en": "en-us", "pt": "pt-br", "zh": "cmn"}


def espeak_voice(language: str) -> str:
    return ESPEAK_VOICES.get(language, language)


def ipa(text: str, language: str) -> str:
    """IPA for text in language ('en', 'es', 'en-us', ...), punctuation kept, clauses in order."""
    program = tools.require("espeak-ng")
    voice = espeak_voice(language)
    pieces = []
    for words, punctuation in _CLAUSE.findall(text):
        if not words.strip():
            pieces.append(punctuation)
            continue
        run = subprocess.run([program, "-q", "--ipa", "-v", voice, "--", words.strip()],
                             capture_output=True, text=True, timeout=60)
        if run.returncode != 0 or "Failed to read voice" in run.stderr:
            raise DubStudioError(f"espeak-ng has no voice for language '{language}': "
                                 f"'espeak-ng --voices' lists the ones it has.")
        phonemes = " ".join(run.stdout.split())
        pieces.append(phonemes + punctuation)
    return " ".join(piece for piece in pieces if piece).strip()
