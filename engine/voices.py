"""Render any cast voice (a VoiceSpec) as 48 kHz project audio, with the runners kept loaded."""

import numpy as np

from dubstudio.dsp.resample import resample
from dubstudio.dsp.rubberband import shift_pitch
from dubstudio.dsp.trim import trim_silence
from dubstudio.errors import DubStudioError
from dubstudio.voices.fitting import RATE
from dubstudio.voices.pace import base_speed
from dubstudio.voices.spec import EMBEDDED_BACKENDS, VoiceSpec


def to_project_rate(audio: np.ndarray, rate: int) -> np.ndarray:
    return resample(audio, rate, RATE)


class Voices:
    """The embedded synthesizers. Their runners live in the process's model cache under their
    registry names, so a `warm` job for "kokoro" loads the very runner synthesis uses."""

    def runner(self, backend: str):
        if backend not in EMBEDDED_BACKENDS:
            raise DubStudioError(f"no voice backend called '{backend}': use kokoro, piper or espeak-ng.")
        from dubstudio.engine.cache import models
        from dubstudio.engine.registry import default_registry

        return models().get(backend, default_registry().get(backend).loader())

    def style(self, spec: VoiceSpec) -> np.ndarray | str:
        """Kokoro's style: a stock voice's table, or the weighted mix of several."""
        kokoro = self.runner("kokoro")
        if not spec.blend:
            return spec.voice
        unknown = [name for name, _ in spec.blend if name not in kokoro.styles]
        if unknown:
            raise DubStudioError(f"Kokoro has no voice {', '.join(unknown)}: choose from {', '.join(kokoro.voices)}.")
        total = sum(weight for _, weight in spec.blend)
        return sum(kokoro.styles[name] * (weight / total) for name, weight in spec.blend)

    def render(self, spec: VoiceSpec, text: str, language: str, speed: float = 1.0) -> np.ndarray:
        """Mono float32 at 48 kHz; speed is relative to the voice's natural pace in the language."""
        runner = self.runner(spec.backend)
        speed *= base_speed(spec.backend, spec.main_voice, language)
        if spec.backend == "kokoro":
            audio = runner.synthesize(text, self.style(spec), language, speed)
        elif spec.backend == "piper":
            if not language.startswith("en"):
                raise DubStudioError(f"the Piper voice speaks English only, not '{language}': cast a Kokoro voice.")
            audio = runner.synthesize(text, speed)
        else:
            audio = runner.synthesize(text, language, spec.voice or "default", speed)
        # trimmed and pitch-shifted at the synthesizer's rate: the same content, and rubberband's work
        # there is a quarter of what it is at 48 kHz
        audio = trim_silence(audio, runner.sample_rate)
        if spec.pitch:
            audio = shift_pitch(audio, runner.sample_rate, spec.pitch, formants=False)
        return to_project_rate(audio, runner.sample_rate)
