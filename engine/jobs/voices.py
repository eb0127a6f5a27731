"""Pipeline steps 7-9 on a worker: cast a speaker's voice; synthesize and fit one line (its check: engine/qa.py).

One job per line: a take's audio is too big for a streamed partial result, and a single line submitted
with interactive priority then overtakes a film's queued lines.
"""

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile

from dubstudio.engine.voices import Voices, to_project_rate
from dubstudio.errors import DubStudioError
from dubstudio.voices.consent import Consent, require_consent
from dubstudio.voices.fitting import Limits, Strategy, fit_line
from dubstudio.voices.pace import paced_rate
from dubstudio.voices.spec import VoiceSpec


def _encoder(job):
    from resemblyzer import VoiceEncoder

    return job.model("resemblyzer", lambda: VoiceEncoder("cpu", verbose=False))


def _reference(path) -> np.ndarray:
    """A speaker's reference audio (a WAV the client wrote from the project), mono at 48 kHz."""
    audio, rate = soundfile.read(path, dtype="float32", always_2d=True)
    return to_project_rate(audio.mean(axis=1), rate)


def cast(inputs: dict, job) -> dict:
    """inputs: reference (a WAV file), language. The closest embedded voice."""
    from dubstudio.engine.casting import cast_speaker

    voices = job.model("voices:embedded", Voices)
    job.progress("casting", 0, 1, "trying voices")
    found = cast_speaker(voices, _encoder(job), _reference(inputs["reference"]), inputs["language"])
    job.progress("casting", 1, 1, found.spec.label())
    return {"spec": found.spec.as_dict(), "similarity": found.similarity, "tried": found.tried}


def similarity(inputs: dict, job) -> dict:
    """inputs: reference (a WAV file), language, voices (VoiceSpec dicts), and for XTTS voices xtts (folder)
    and, for a clone, consent. Each voice's speaker-embedding cosine to the reference, speaking the language
    (None for a voice that cannot speak it, with the reason in errors)."""
    from dubstudio.engine.casting import calibration_sentence, embed, voice_embedding

    encoder = _encoder(job)
    target = embed(encoder, _reference(inputs["reference"]))
    language = inputs["language"]
    sentence = calibration_sentence(language)
    scores, errors = [], {}
    for index, data in enumerate(job.items(inputs["voices"], "similarity")):
        spec = VoiceSpec.from_dict(data)
        try:
            if spec.backend == "xtts":
                vector = embed(encoder, _synthesizer(inputs | {"voice": data}, job)(sentence, 1.0))
            else:
                vector = voice_embedding(job.model("voices:embedded", Voices), encoder, spec, language, sentence)
        except DubStudioError as error:
            scores.append(None)
            errors[index] = str(error)
            continue
        scores.append(round(float(np.dot(target, vector)), 4))
    return {"similarity": scores, "errors": errors}


def _consent(value) -> object:
    """A consent as a job carries it: the record itself, or its fields (JSON, from a journaled job)."""
    return Consent(**value) if isinstance(value, dict) else value


@dataclass(frozen=True)
class _Voice:
    """A cast voice as fit_line uses it: (text, speed) -> 48 kHz audio, and the rate it synthesizes at."""

    speak: Callable[[str, float], np.ndarray]
    rate: int

    def __call__(self, text: str, speed: float) -> np.ndarray:
        return self.speak(text, speed)


def _synthesizer(inputs: dict, job) -> _Voice:
    """The cast voice, ready to speak."""
    spec = VoiceSpec.from_dict(inputs["voice"])
    language = inputs["language"]
    if spec.backend == "xtts":
        from dubstudio.engine.backends.xtts import Xtts

        folder = inputs.get("xtts")
        model = job.model(f"xtts:{folder}", lambda: Xtts(Path(folder)))
        consent = require_consent(_consent(inputs.get("consent")), f"the voice of {spec.clone_of}") \
            if spec.clone_of else None
        reference = (_reference(inputs["reference"]), 48_000) if spec.clone_of else None

        def speak(text: str, speed: float) -> np.ndarray:
            audio = model.synthesize(text, language, voice=spec.voice or None, reference=reference,
                                     speed=speed, consent=consent if reference is not None else None)
            return to_project_rate(audio, model.sample_rate)
        return _Voice(speak, model.sample_rate)
    voices = job.model("voices:embedded", Voices)
    rate = voices.runner(spec.backend).sample_rate
    return _Voice(lambda text, speed: voices.render(spec, text, language, speed), rate)


def synthesize_line(inputs: dict, job) -> dict:
    """inputs: text, language, voice (VoiceSpec dict), slot, lead and gap (samples), strategy, candidates,
    limits ({slowest, fastest}), and for clones xtts (folder), reference, consent. Returns the take
    (48 kHz float32), the text it says and its fit figures; its QA is a separate check job (engine/qa.py)."""
    job.progress("synthesize", 0, 1)
    limits = Limits(**inputs["limits"]) if inputs.get("limits") else Limits()
    spec = VoiceSpec.from_dict(inputs["voice"])
    estimate = paced_rate(spec.backend, spec.main_voice, inputs["language"]).samples(inputs["text"], inputs["language"])
    voice = _synthesizer(inputs, job)
    audio, fit = fit_line(voice, inputs["text"], inputs["slot"], inputs["gap"],
                          Strategy.named(inputs.get("strategy")), limits, candidates=inputs.get("candidates") or [],
                          lead=inputs.get("lead", 0), estimate=estimate, made_at=voice.rate)
    text = inputs["candidates"][fit.candidate] if fit.candidate is not None else inputs["text"]
    job.progress("synthesize", 1, 1, f"{len(audio) / 48_000:.2f} s")
    return {"audio": audio.astype(np.float32), "fit": fit.as_dict(), "text": text}
