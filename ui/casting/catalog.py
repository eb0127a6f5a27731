"""The voices a speaker can be cast with in a language, and how long regenerating their lines will take.
Qt-free, so tests read it directly.

Candidates are the project's voices (automatic casting's blends included; a clone only for the speaker it
was made from), then the stock voices of every installed synthesis backend that speaks the language,
then, where an XTTS-v2 folder is set and complete, a clone of the speaker.
"""

from dataclasses import dataclass

from dubstudio.engine.registry import Registry

from dubstudio.project import Project, Voice
from dubstudio.timing import SAMPLE_RATE
from dubstudio.voices.spec import VoiceSpec

PIPER_VOICE = "en_US-joe-medium"
REGISTRY_NAME = {"xtts": "xtts-v2"}  # a VoiceSpec's backend -> its registry entry, where they differ

# Seconds of work per second of speech on a 2-core CPU (MODELS.md, the slow end), for an estimate before
# this session has measured the voice; a preview replaces it with what the engine took.
TYPICAL_RTF = {"kokoro": 0.5, "piper": 0.1, "espeak-ng": 0.05, "xtts": 3.0}
QA_RTF = 0.3           # transcribing the take back with Whisper base
JOB_OVERHEAD_S = 0.5   # per line: fitting, storing, the job's round trip


@dataclass(frozen=True)
class Candidate:
    spec: VoiceSpec
    name: str
    kind: str                 # "project", "stock" or "clone"
    voice: Voice | None       # the project's voice, if it is one already
    licence: str = ""

    @property
    def key(self) -> str:
        """The spec as text: how similarity results and list rows are matched."""
        return spec_key(self.spec)

    @property
    def clone(self) -> bool:
        return bool(self.spec.clone_of)

    @property
    def consented(self) -> bool:
        return self.voice is not None and self.voice.has_consent


def spec_key(spec: VoiceSpec) -> str:
    return spec.label()


def voice_spec(voice: Voice) -> VoiceSpec:
    """The VoiceSpec a project voice renders with (automatic casting stores it in its params)."""
    if "spec" in voice.params:
        return VoiceSpec.from_dict(voice.params["spec"])
    return VoiceSpec(voice.backend, voice.backend_voice)


def stock_voices(backend: str) -> list[str]:
    """The stock voice names of an embedded synthesis backend."""
    if backend == "kokoro":
        import numpy as np
        from dubstudio.engine import assets

        with np.load(assets.kokoro_voices_path()) as styles:
            return sorted(styles.files)
    if backend == "piper":
        return [PIPER_VOICE]
    if backend == "espeak-ng":
        from dubstudio.engine.backends.espeak import Espeak

        return list(Espeak.voices)
    return []


def candidates(project: Project, speaker_id: int, language: str, registry: Registry,
               xtts_folder: str | None = None) -> list[Candidate]:
    speaker = next(s for s in project.speakers() if s.id == speaker_id)
    found: dict[str, Candidate] = {}
    for voice in project.voices():
        spec = voice_spec(voice)
        if voice.kind == "clone" and voice.speaker_id != speaker_id:
            continue  # consent covers one person's voice
        backend = registry.get(REGISTRY_NAME.get(spec.backend, spec.backend))
        if backend.speaks(language):
            kind = "clone" if voice.kind == "clone" else "project"
            found.setdefault(spec_key(spec), Candidate(spec, voice.name, kind, voice, backend.licence))
    for backend in registry.for_stage("synthesize", language):
        if backend.needs_folder or not backend.installed:
            continue
        for name in stock_voices(backend.name):
            spec = VoiceSpec(backend.name, name)
            found.setdefault(spec_key(spec), Candidate(spec, spec.label(), "stock", None, backend.licence))
    xtts = registry.get("xtts-v2")
    if xtts_folder and xtts.speaks(language) and xtts.check(xtts_folder)[0] and \
            project.speaker_references(speaker_id):
        spec = VoiceSpec("xtts", clone_of=speaker.name)
        found.setdefault(spec_key(spec), Candidate(spec, f"Clone of {speaker.name} (XTTS-v2)", "clone", None,
                                                   xtts.licence))
    return list(found.values())


def find_voice(project: Project, spec: VoiceSpec, speaker_id: int) -> Voice | None:
    """The project's voice that renders as spec (for a clone: of this speaker), if there is one."""
    for voice in project.voices():
        if voice_spec(voice) == spec and (voice.kind != "clone" or voice.speaker_id == speaker_id):
            return voice
    return None


@dataclass(frozen=True)
class Estimate:
    lines: int
    speech_s: float     # the lines' slots, which the takes are fitted to
    rtf: float          # seconds of work per second of speech, QA included
    measured: bool      # from this voice's preview, else typical for its backend

    @property
    def seconds(self) -> float:
        return self.speech_s * self.rtf + JOB_OVERHEAD_S * self.lines

    def text(self) -> str:
        minutes, seconds = divmod(round(self.seconds), 60)
        took = f"{minutes} min {seconds} s" if minutes else f"{seconds} s"
        how = "measured on this voice's preview" if self.measured else "typical for this voice on a 2-core CPU"
        return (f"about {took}: {self.lines} lines, {self.speech_s:.0f} s of speech × {self.rtf:.2f} s of work "
                f"per second of speech ({how}), + {JOB_OVERHEAD_S:g} s per line")


def estimate(lines, spec: VoiceSpec, qa: bool, measured_rtf: float | None = None) -> Estimate:
    """How long regenerating `lines` in this voice should take on the engine (one worker)."""
    speech = sum(line.end - line.start for line in lines) / SAMPLE_RATE
    rtf = measured_rtf if measured_rtf is not None else TYPICAL_RTF.get(spec.backend, 1.0)
    return Estimate(len(lines), speech, rtf + (QA_RTF if qa else 0.0), measured_rtf is not None)
