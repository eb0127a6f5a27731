"""Auto-QA of a take: transcribe it back in the target language and compare with the line's text.

A take that does not say its text (a skipped word, a mispronounced name, a synthesizer glitch) shows
a high character error rate; lines over the threshold are flagged for a person.
"""

import numpy as np
from scipy.signal import resample_poly

from dubstudio.speech.metrics import character_error_rate

CER_THRESHOLD = 0.25


def back_transcribe(whisper, take48k: np.ndarray, text: str, language: str) -> dict:
    """QA figures for a take: what ASR heard, its CER against the text, and whether that flags it."""
    audio = resample_poly(take48k, 1, 3).astype(np.float32)
    transcript = whisper.transcribe(audio, language=language, vad=False, beam_size=1)
    heard = "".join(word.text for word in transcript.words).strip()
    cer = character_error_rate(text, heard, language)
    return {"heard": heard, "cer": round(cer, 4), "flagged": cer > CER_THRESHOLD}
