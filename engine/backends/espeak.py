"""espeak-ng as a voice: formant synthesis in about 100 languages. Robotic, but always there, so
every line gets a take even in a language no other voice speaks. A separate GPL program, run as a
subprocess."""

import subprocess
import tempfile
from pathlib import Path

import numpy as np
import soundfile

from dubstudio import tools
from dubstudio.errors import DubStudioError
from dubstudio.engine.phonemize import espeak_voice

WORDS_PER_MINUTE = 165  # espeak-ng's own default is 175, a little fast for dubbing


class Espeak:
    name = "espeak-ng"
    sample_rate = 22_050
    clones = False
    # voice variants: the base voice, and two of espeak-ng's variants for a higher and a lower voice
    voices = ["default", "f3", "m3"]

    @property
    def languages(self) -> list[str]:
        out = subprocess.run([tools.require("espeak-ng"), "--voices"], capture_output=True, text=True, timeout=30)
        return sorted({line.split()[1] for line in out.stdout.splitlines()[1:] if len(line.split()) > 1})

    def synthesize(self, text: str, language: str, voice: str = "default", speed: float = 1.0) -> np.ndarray:
        name = espeak_voice(language) + ("" if voice == "default" else f"+{voice}")
        with tempfile.TemporaryDirectory() as folder:
            wav = Path(folder) / "take.wav"
            run = subprocess.run([tools.require("espeak-ng"), "-v", name, "-s", str(round(WORDS_PER_MINUTE * speed)),
                                  "-w", str(wav), "--", text], capture_output=True, text=True, timeout=120)
            if run.returncode != 0 or not wav.is_file():
                raise DubStudioError(f"espeak-ng cannot speak '{language}' with voice '{voice}': "
                                     f"'espeak-ng --voices' lists what it has.")
            audio, rate = soundfile.read(wav, dtype="float32")
        if rate != self.sample_rate:
            raise DubStudioError(f"espeak-ng wrote {rate} Hz audio where {self.sample_rate} Hz was expected.")
        return audio
