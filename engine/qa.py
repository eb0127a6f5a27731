"""Auto-QA of a take: transcribe it back in the target language and compare with the line's text.

A take that does not say its text (a skipped word, a mispronounced name, a synthesizer glitch) shows
a high character error rate; lines over the threshold are flagged for a person. The check is its own
job, run after the take is stored, so a regenerated take plays without waiting for ASR.
"""

import numpy as np
import soundfile
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


def check(inputs: dict, job) -> dict:
    """inputs: take (a WAV of the take the client wrote from the project), text (what the take says),
    language. Returns the take's QA figures."""
    from dubstudio.engine.voices import to_project_rate

    job.progress("check", 0, 1)
    audio, rate = soundfile.read(inputs["take"], dtype="float32", always_2d=True)
    whisper = job.model("whisper-base")
    qa = back_transcribe(whisper, to_project_rate(audio.mean(axis=1), rate), inputs["text"], inputs["language"])
    job.progress("check", 1, 1, f"CER {qa['cer']:.0%}")
    return qa
