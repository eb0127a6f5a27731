"""Lines a person should look at before a render, per language: a take over its slot, a take QA did not
hear say its text, or no take at all (the line is silent in the mix). Qt-free."""

from dataclasses import dataclass

from dubstudio.ui.state import Fit, line_state

from dubstudio.project import Project


@dataclass(frozen=True)
class Flagged:
    language: str
    line_id: int
    number: int
    timecode: str
    why: str  # "over", "CER 40%", "no take"...

    def text(self) -> str:
        return f"{self.language} · line {self.number} ({self.timecode}): {self.why}"


def flagged_lines(project: Project, languages: list[str]) -> list[Flagged]:
    lines = project.lines()
    found = []
    for language in languages:
        translations = project.translations(language)
        for line in lines:
            translation = translations.get(line.id)
            take_id = translation.chosen_take_id if translation is not None else None
            state = line_state(translation, project.take(take_id) if take_id is not None else None)
            if state.flagged or state.fit is Fit.NO_TAKE:
                why = state.qa_label
                if state.fit is Fit.OVER:
                    why = why.replace(Fit.OVER.value, f"{state.fit_label} over its slot", 1)
                found.append(Flagged(language, line.id, line.number, project.timecode(line.start), why))
    return found
