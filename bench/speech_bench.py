"""Real-time factor of the embedded transcription and diarization on the sample clip.

Targets (issue 6, on a 2-core machine): transcription RTF 0.3, diarization RTF 0.1.
Run: .venv/bin/python bench/speech_bench.py
"""

import subprocess
import time

import numpy as np

from common import peak_rss_mb, report, sample_clip


def main() -> None:
    from dubstudio.engine.backends.diarizer import EmbeddedDiarizer
    from dubstudio.engine.backends.whisper import Whisper
    from dubstudio.speech.types import SPEECH_RATE

    clip = sample_clip()
    raw = subprocess.run(["ffmpeg", "-v", "error", "-i", str(clip.video), "-f", "f32le", "-ac", "1",
                          "-ar", str(SPEECH_RATE), "-"], capture_output=True, check=True).stdout
    audio = np.frombuffer(raw, np.float32).copy()
    seconds = len(audio) / SPEECH_RATE
    print(f"sample clip: {seconds:.1f} s of audio")

    started = time.perf_counter()
    whisper = Whisper()
    report("Whisper base load", time.perf_counter() - started, "s")
    started = time.perf_counter()
    transcript = whisper.transcribe(audio)
    rtf = (time.perf_counter() - started) / seconds
    report(f"transcription RTF ({len(transcript.words)} words)", rtf, "", "target <= 0.3", rtf <= 0.3)

    started = time.perf_counter()
    diarizer = EmbeddedDiarizer()
    report("diarizer load (Silero VAD + Resemblyzer)", time.perf_counter() - started, "s")
    started = time.perf_counter()
    diarization = diarizer.diarize(audio)
    rtf = (time.perf_counter() - started) / seconds
    speakers = len({turn.speaker for turn in diarization.turns})
    report(f"diarization RTF ({speakers} speakers)", rtf, "", "target <= 0.1", rtf <= 0.1)
    report("peak memory", peak_rss_mb(), "MB")


if __name__ == "__main__":
    main()
