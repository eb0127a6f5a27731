"""The script table's rows as immutable snapshots read from the project once, so the table draws from
ready data and a change re-reads only the rows it touched. Qt-free."""

from dataclasses import dataclass
from fractions import Fraction

from dubstudio.ui.state import LineState, line_state

from dubstudio.project import Line, Project, Take, Translation
from dubstudio.timing import samples_to_timecode


@dataclass(frozen=True, slots=True)
class ScriptRow:
    line_id: int
    number: int
    start: int  # samples
    end: int    # samples, exclusive
    tc_in: str
    tc_out: str
    speaker_id: int | None
    speaker: str
    source: str
    translation: Translation | None
    voice: str   # the voice cast for the speaker in this language, "" if none
    takes: int
    take: Take | None  # the chosen take
    state: LineState

    @property
    def text(self) -> str:
        return self.translation.text if self.translation is not None else ""


class ScriptContext:
    """What every row needs from the rest of the project (names, casting, frame rate), read once per
    reset and again when the casting changes."""

    def __init__(self, project: Project, language: str):
        self.project, self.language = project, language
        settings = project.settings
        self.frame_rate: Fraction = settings.frame_rate
        self.sample_rate: int = settings.sample_rate
        self.read_speakers()
        self.read_casting()

    def read_speakers(self) -> None:
        self.speakers = {speaker.id: speaker.name for speaker in self.project.speakers()}

    def read_casting(self) -> None:
        voices = {voice.id: voice.name for voice in self.project.voices()}
        self.voices = {speaker_id: voices.get(voice_id, "")
                       for speaker_id, voice_id in self.project.casting(self.language).items()}

    def timecode(self, samples: int) -> str:
        return samples_to_timecode(samples, self.frame_rate, self.sample_rate)

    def row(self, line: Line, translation: Translation | None) -> ScriptRow:
        if line.speaker_id is not None and line.speaker_id not in self.speakers:
            self.read_speakers()  # speakers are added by jobs, which report only the lines
        takes = self.project.takes(line.id, self.language)
        chosen = translation.chosen_take_id if translation is not None else None
        take = next((take for take in takes if take.id == chosen), None)
        return ScriptRow(line.id, line.number, line.start, line.end, self.timecode(line.start),
                         self.timecode(line.end), line.speaker_id, self.speakers.get(line.speaker_id, ""),
                         line.source_text, translation, self.voices.get(line.speaker_id, ""), len(takes), take,
                         line_state(translation, take))

    def all_rows(self) -> list[ScriptRow]:
        translations = self.project.translations(self.language)
        return [self.row(line, translations.get(line.id)) for line in self.project.lines()]

    def reread(self, line_id: int) -> ScriptRow | None:
        """The row of one line as it is now; None if the line has left the script."""
        line = self.project.line(line_id)
        if line is None:
            return None
        return self.row(line, self.project.translation(line_id, self.language))
