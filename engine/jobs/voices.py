"""Pipeline steps 7-9 on a worker: cast a speaker's voice; synthesize, fit and check one line.

One job per line: a take's audio is too big for a streamed partial result, and a single line submitted
with interactive priority then overtakes a film's queued lines.
"""

from pathlib import Path

import numpy as np
import soundfile

from dubstudio.engine.voices import Voices, to_project_rate
from dubstudio.voices.consent import require_consent
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


def _synthesizer(inputs: dict, job):
    """(text, speed) -> 48 kHz audio in the cast voice, and whether the voice has a speed control."""
    spec = VoiceSpec.from_dict(inputs["voice"])
    language = inputs["language"]
    if spec.backend == "xtts":
        from dubstudio.engine.backends.xtts import Xtts

        folder = inputs.get("xtts")
        model = job.model(f"xtts:{folder}", lambda: Xtts(Path(folder)))
        consent = require_consent(inputs.get("consent"), f"the voice of {spec.clone_of or 'this speaker'}")
        reference = (_reference(inputs["reference"]), 48_000) if spec.clone_of else None

        def speak(text: str, speed: float) -> np.ndarray:
            audio = model.synthesize(text, language, voice=spec.voice or None, reference=reference,
                                     speed=speed, consent=consent if reference is not None else None)
            return to_project_rate(audio, model.sample_rate)
        return speak
    voices = job.model("voices:embedded", Voices)
    return lambda text, speed: voices.render(spec, text, language, speed)


def synthesize_line(inputs: dict, job) -> dict:
    """inputs: text, language, voice (VoiceSpec dict), slot, lead and gap (samples), strategy, candidates,
    limits ({slowest, fastest}), qa (bool), and for clones xtts (folder), reference, consent.
    Returns the take (48 kHz float32), its fit figures, and its QA figures."""
    job.progress("synthesize", 0, 2)
    limits = Limits(**inputs["limits"]) if inputs.get("limits") else Limits()
    spec = VoiceSpec.from_dict(inputs["voice"])
    estimate = paced_rate(spec.backend, spec.main_voice, inputs["language"]).samples(inputs["text"], inputs["language"])
    audio, fit = fit_line(_synthesizer(inputs, job), inputs["text"], inputs["slot"], inputs["gap"],
                          Strategy(inputs.get("strategy") or "auto"), limits,
                          candidates=inputs.get("candidates") or [], lead=inputs.get("lead", 0), estimate=estimate)
    text = inputs["candidates"][fit.candidate] if fit.candidate is not None else inputs["text"]
    job.progress("synthesize", 1, 2, f"{len(audio) / 48_000:.2f} s")
    qa = {}
    if inputs.get("qa", True):
        from dubstudio.engine.backends.whisper import Whisper
        from dubstudio.engine.qa import back_transcribe

        whisper = job.model("whisper:base", lambda: Whisper(None))
        qa = back_transcribe(whisper, audio, text, inputs["language"])
    job.progress("synthesize", 2, 2)
    return {"audio": audio.astype(np.float32), "fit": fit.as_dict(), "qa": qa, "text": text}
