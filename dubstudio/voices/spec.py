"""What a cast voice is, as stored in the project: a backend, a stock voice or a blend of voices'
styles, and a pitch shift. Kept as data so any engine worker renders the same voice from it."""

from dataclasses import asdict, dataclass

# the synthesizers that ship with DubStudio, by their registry names (a model cache entry each)
EMBEDDED_BACKENDS = ("kokoro", "piper", "espeak-ng")


@dataclass(frozen=True)
class VoiceSpec:
    backend: str                       # "kokoro", "piper", "espeak-ng", "xtts"
    voice: str = ""                    # a stock voice name (empty for a blend or a clone)
    blend: tuple[tuple[str, float], ...] = ()  # (voice name, weight) pairs, weights summing to 1
    pitch: float = 0.0                 # semitones, applied after synthesis
    clone_of: str = ""                 # the speaker whose reference audio a cloning backend uses

    @property
    def main_voice(self) -> str:
        """The stock voice, or a blend's heaviest one: whose calibrated pace the voice follows."""
        return self.voice or (max(self.blend, key=lambda pair: pair[1])[0] if self.blend else "")

    def label(self) -> str:
        if self.clone_of:
            name = f"clone of {self.clone_of}"
        elif self.blend:
            name = " + ".join(f"{v} {w:.0%}" for v, w in sorted(self.blend, key=lambda pair: -pair[1]))
        else:
            name = self.voice
        shift = f", {self.pitch:+g} st" if self.pitch else ""
        return f"{self.backend}: {name}{shift}"

    def as_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "VoiceSpec":
        return cls(**data | {"blend": tuple((name, float(weight)) for name, weight in data.get("blend", ()))})
