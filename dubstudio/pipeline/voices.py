"""Steps 7-9: cast a voice for each speaker, then synthesize, fit and check each line.

Each line is its own engine job, recorded in the project's journal: a client that dies mid-film
resumes the lines it had not stored when the project is reopened (resume_jobs). A take is stored as
soon as it is fitted; its back-transcription QA follows as a check job (dubstudio.pipeline.checks).
"""

import hashlib
from dataclasses import asdict
from fractions import Fraction

import numpy as np
import soundfile

from dubstudio import paths
from dubstudio.errors import MissingModelError
from dubstudio.jobs import BATCH, INTERACTIVE, InputFile, JobHandle
from dubstudio.pipeline import checks
from dubstudio.pipeline import lipsync as lipsync_stage
from dubstudio.pipeline.run import Run
from dubstudio.voices.consent import Consent, ConsentRequiredError
from dubstudio.voices.spec import VoiceSpec

from dubstudio.timing import SAMPLE_RATE as RATE


def reference_file(run: Run, speaker_id: int) -> InputFile | None:
    """The speaker's reference audio as one WAV in the cache (named by content), for the engine."""
    pieces = run.project.speaker_references(speaker_id)
    if not pieces:
        return None
    key = hashlib.sha256("".join(piece.audio_hash for piece in pieces).encode()).hexdigest()[:24]
    path = paths.cache_dir("references") / f"{key}.wav"
    if not path.is_file():
        gap = np.zeros(RATE // 5, np.float32)
        audio = []
        for piece in pieces:
            samples, rate = run.project.load_audio(piece.audio_hash)
            audio += [np.asarray(samples, np.float32).reshape(-1), gap]
        partial = path.with_name(path.name + ".partial.wav")
        soundfile.write(partial, np.concatenate(audio), RATE, subtype="FLOAT")
        partial.replace(path)
    return InputFile(str(path))


def cast(run: Run, language: str) -> int:
    """Give every uncast speaker the closest embedded voice; returns how many were cast."""
    project = run.project
    casting = project.casting(language)
    todo = [speaker for speaker in project.speakers() if speaker.id not in casting]
    if not todo:
        return 0
    bar = run.report.stage(f"cast voices ({language})", len(todo))
    try:
        for done, speaker in enumerate(todo, 1):
            reference = reference_file(run, speaker.id)
            if reference is None:
                spec, similarity = VoiceSpec("kokoro", "jf_alpha"), None
            else:
                found = run.engine.submit("cast", {"reference": reference, "language": language}).result()
                spec, similarity = VoiceSpec.from_dict(found["spec"]), found["similarity"]
            voice_id = project.add_voice(f"{speaker.name} · {spec.label()}", spec.backend, backend_voice=spec.voice,
                                         params={"spec": spec.as_dict(), "similarity": similarity,
                                                 "speaker_id": speaker.id, "language": language})
            project.cast_voice(speaker.id, language, voice_id)
            bar.update(done, len(todo), f"{speaker.name}: {spec.label()}"
                       + (f" (similarity {similarity:.2f})" if similarity is not None else ""))
    finally:
        bar.close()
    return len(todo)


class Neighbours:
    """What making a line's take needs to know about the rest of the project, read once per batch
    (not once per line: a film has thousands)."""

    def __init__(self, run: Run, language: str):
        project = run.project
        self.lines = project.lines()
        self.index = {line.id: i for i, line in enumerate(self.lines)}
        self.media_end = int(Fraction(project.media().probe["duration"]) * RATE)
        casting = project.casting(language)
        voices = {voice.id: voice for voice in project.voices()}
        self.voice = {speaker: voices[voice_id] for speaker, voice_id in casting.items()}

    def around(self, line) -> tuple[int, int]:
        """(silence before the line, silence after it), in samples."""
        i = self.index[line.id]
        previous = self.lines[i - 1].end if i else 0
        following = self.lines[i + 1].start if i + 1 < len(self.lines) else max(self.media_end, line.end)
        return max(0, line.start - previous), max(0, following - line.end)


def xtts_inputs(run: Run, voice) -> dict:
    """What an XTTS-v2 voice needs besides its spec: the model folder and, for a clone, the speaker's
    reference audio and the consent on record (as JSON fields; the worker checks them again)."""
    if voice.backend != "xtts":
        return {}
    if not run.options.xtts:
        raise MissingModelError(f"the voice '{voice.name}' needs XTTS-v2, whose model folder is not set: choose "
                                f"it in Settings > Models.")
    inputs = {"xtts": run.options.xtts}
    if voice.kind == "clone":
        records = run.project.consents(voice.id)
        if not records:
            raise ConsentRequiredError(f"the cloned voice '{voice.name}' has no consent on record: record the "
                                       f"person's consent in the casting dialog before using it.")
        inputs["reference"] = reference_file(run, voice.speaker_id)
        inputs["consent"] = asdict(Consent.from_record(records[-1]))
    return inputs


def line_inputs(run: Run, line, language: str, neighbours: Neighbours | None = None) -> dict:
    """What the engine needs to make a take of a line: JSON data, so the journal can keep it."""
    neighbours = neighbours or Neighbours(run, language)
    translation = run.project.translation(line.id, language)
    lead, gap = neighbours.around(line)
    voice = neighbours.voice[line.speaker_id]
    # a person's words stand: only a machine translation may be swapped for a shorter candidate
    candidates = list(translation.candidates) if translation.status == "machine" else []
    return {"line_id": line.id, "voice_id": voice.id, "text": translation.text, "language": language,
            "voice": voice.params["spec"], "slot": line.end - line.start, "gap": gap, "lead": lead,
            "strategy": translation.fit_strategy, "candidates": candidates, "qa": run.options.qa,
            **xtts_inputs(run, voice)}


def store(run: Run, inputs: dict, result: dict, choose: bool = False) -> int:
    """Keep a finished take in the project; returns its id."""
    project = run.project
    language = inputs["language"]
    if result["text"] != inputs["text"]:  # the fit took a shorter candidate of a machine translation
        translation = project.translation(inputs["line_id"], language)
        others = [c for c in (translation.text, *translation.candidates) if c != result["text"]]
        project.set_machine_translations(language, {inputs["line_id"]: result["text"]}, {inputs["line_id"]: others})
    return project.add_take(inputs["line_id"], language, result["audio"], RATE, text=result["text"],
                            backend=inputs["voice"]["backend"], voice_id=inputs["voice_id"],
                            params={"voice": inputs["voice"], "strategy": inputs["strategy"]},
                            fit=result["fit"], choose=choose)


def submit_line(run: Run, line, language: str, interactive: bool = False,
                neighbours: Neighbours | None = None) -> tuple[dict, JobHandle]:
    inputs = line_inputs(run, line, language, neighbours)
    return inputs, run.engine.submit("synthesize", inputs, priority=INTERACTIVE if interactive else BATCH,
                                     journal=run.project.jobs)


def synthesize(run: Run, language: str, line_ids: list[int] | None = None, interactive: bool = False) -> int:
    """A take for every translated line that has none (or for line_ids, a new take each)."""
    project = run.project
    translations = project.translations(language)
    wanted = set(line_ids) if line_ids is not None else None
    lines = [line for line in project.lines() if line.id in translations and translations[line.id].text.strip()
             and (line.id in wanted if wanted is not None else not project.takes(line.id, language))]
    if not lines:
        return 0
    bar = run.report.stage(f"synthesize + fit ({language})", len(lines))
    checking = {}
    try:
        neighbours = Neighbours(run, language)
        submitted = [submit_line(run, line, language, interactive, neighbours) for line in lines]
        for done, (inputs, handle) in enumerate(submitted, 1):
            result = handle.result()
            take_id = store(run, inputs, result, choose=wanted is not None)
            if inputs.get("qa"):
                checking[take_id] = checks.submit_check(run, take_id, interactive)
            fit = result["fit"]
            bar.update(done, len(lines), f"line {done}: {fit['tempo']:.2f}x" + ("" if fit["fits"] else " OVER"))
    finally:
        bar.close()
    checks.finish(run, checking, language)
    return len(lines)


def resume_jobs(run: Run) -> int:
    """Submit again the synthesize, check and lip-sync jobs a dead client left unfinished, and store their
    results (a resumed take's check included)."""
    records = run.project.jobs.unfinished()
    checks.restore_files(run, records)
    handles = run.engine.resume(run.project.jobs)
    stored, checking = 0, {}
    for record, handle in zip(records, handles, strict=True):
        if record["kind"] == "synthesize":
            take_id = store(run, record["inputs"], handle.result())
            if record["inputs"].get("qa"):
                checking[take_id] = checks.submit_check(run, take_id)
            stored += 1
        elif record["kind"] == "check":
            checks.store_check(run, record["inputs"]["take_id"], handle.result())
        elif record["kind"] == "lipsync":
            lipsync_stage.store(run, record["inputs"], handle.result())
            stored += 1
        else:
            handle.cancel()
    checks.finish(run, checking)
    return stored
