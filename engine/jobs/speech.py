"""Pipeline steps 3-5 on a worker: transcribe, find the speakers, cut dub lines, choose reference audio.

Line planning is core code, run here so that the client only writes results into the project.
"""

from pathlib import Path

from dubstudio.engine.jobs import CancelFlag, relay

from dubstudio.media import speech_audio
from dubstudio.speech.assign import assign_speakers
from dubstudio.speech.envelope import Envelope
from dubstudio.speech.lines import cut_lines, refine_edges
from dubstudio.speech.reference import choose_reference
from dubstudio.speech.types import SPEECH_RATE, to_samples


def _whisper(job, folder: str | None):
    from dubstudio.engine.backends.whisper import Whisper

    if not folder:
        return job.model("whisper-base")  # the registry's name, which `warm` loads too
    return job.model(f"whisper:{folder}", lambda: Whisper(Path(folder)))


def _diarize(job, audio, folder: str | None, speakers: int | None):
    progress = relay(job)
    if folder:
        from dubstudio.engine.backends.pyannote_diarizer import PyannoteDiarizer

        pipeline = job.model(f"pyannote:{folder}", lambda: PyannoteDiarizer(Path(folder)))
        return pipeline.diarize(audio, num_speakers=speakers, progress=progress), {}
    from dubstudio.engine.backends.diarizer import EmbeddedDiarizer

    diarizer = job.model("diarizer:embedded", EmbeddedDiarizer)
    result = diarizer.diarize(audio, num_speakers=speakers, progress=progress)
    return result.turns, result.embeddings


def transcribe(inputs: dict, job) -> dict:
    """inputs: media (InputFile), language (None: detect), whisper (folder or None), pyannote (folder or
    None), speakers (count or None). Returns lines with words, and each speaker's reference pieces."""
    audio = speech_audio(inputs["media"], cancel=CancelFlag(job))
    job.progress("decode", 1, 1, f"{len(audio) / SPEECH_RATE:.0f} s of audio")
    transcript = _whisper(job, inputs.get("whisper")).transcribe(audio, language=inputs.get("language"),
                                                                 progress=relay(job))
    job.check()
    turns, voices = _diarize(job, audio, inputs.get("pyannote"), inputs.get("speakers"))
    words = assign_speakers(transcript.words, turns)
    envelope = Envelope(audio, SPEECH_RATE)
    lines = refine_edges(cut_lines(words), envelope)
    spans = [(line.start, line.end, line.speaker) for line in lines]
    speakers = {}
    for name in dict.fromkeys(line.speaker for line in lines):
        reference = choose_reference(name, spans, envelope)
        speakers[name] = {"reference": reference.pieces, "short": reference.short,
                          "embedding": voices.get(name)}
    return {
        "language": transcript.language,
        "language_probability": transcript.language_probability,
        "duration": to_samples(len(audio) / SPEECH_RATE),
        "lines": [{"start": line.start, "end": line.end, "speaker": line.speaker, "text": line.text,
                   "words": [(w.start, w.end, w.text, w.probability) for w in line.words]} for line in lines],
        "speakers": speakers,
    }
