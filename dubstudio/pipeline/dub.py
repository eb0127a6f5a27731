"""The whole first pass, headless: ingest, transcribe, translate, cast, synthesize and fit, mix,
deliver. The project is written beside the output, and a re-run resumes from what is done."""

from dataclasses import dataclass, field
from pathlib import Path

from dubstudio.errors import DubStudioError
from dubstudio.hashing import content_hash
from dubstudio.pipeline import lipsync as lipsync_stage
from dubstudio.pipeline import render as render_stage
from dubstudio.pipeline import transcribe as transcribe_stage
from dubstudio.pipeline import translate as translate_stage
from dubstudio.pipeline import voices as voices_stage
from dubstudio.pipeline.ingest import frame_rate, inspect, probe_dict
from dubstudio.pipeline.run import Run
from dubstudio.pipeline.transcribe import UNDETERMINED
from dubstudio.pipeline.translate import glossary_for
from dubstudio.translation.glossary import Glossary
from dubstudio.project import Project


@dataclass
class Summary:
    project: Path
    lines: int = 0
    languages: dict[str, dict] = field(default_factory=dict)
    rendered: render_stage.Rendered | None = None


def open_or_create(source: Path, out: Path, targets: tuple[str, ...], language: str | None) -> Project:
    """The project in out for this source: created on the first run, reopened (and checked) after."""
    info = inspect(source)
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{source.stem}.dubproj"
    if path.exists():
        project = Project.open(path)
        media = project.media()
        if media is not None and media.content_hash != content_hash(source):
            project.close()
            raise DubStudioError(f"{path} dubs another video: choose another output folder with -o.")
        missing = [code for code in targets if code not in project.settings.target_languages]
        if missing:
            project.close()
            raise DubStudioError(f"{path} was made for {', '.join(project.settings.target_languages)}, not "
                                 f"{', '.join(missing)}: dub into new languages in a new output folder.")
        return project
    return create_project(source, path, targets, language, info)


def create_project(source: Path, path: Path, targets: tuple[str, ...], language: str | None,
                   info=None) -> Project:
    """A new project at path dubbing source (language None: detected by the first pass)."""
    info = info or inspect(source)
    project = Project.create(path, source_language=language or UNDETERMINED, target_languages=targets,
                             frame_rate=frame_rate(info), title=source.stem)
    project.set_source_media(source, probe_dict(info))
    return project


def figures(run: Run, language: str) -> dict:
    """Fit and QA over the language's chosen takes; glossary terms missing from the translations."""
    project = run.project
    translations = project.translations(language)
    glossary = Glossary.of(glossary_for(run, language))
    over, flagged, tempos, takes, terms = [], [], [], 0, []
    for line in project.lines():
        translation = translations.get(line.id)
        if translation is not None and glossary.check(line.source_text, translation.text):
            terms.append(line.number)
        if translation is None or translation.chosen_take_id is None:
            continue
        take = project.take(translation.chosen_take_id)
        takes += 1
        tempos.append(take.fit.get("tempo", 1.0))
        if not take.fit.get("fits", True):
            over.append(line.number)
        if take.qa.get("flagged"):
            flagged.append(line.number)
    return {"takes": takes, "over": over, "flagged": flagged, "glossary": terms,
            "within_limits": sum(1 for t in tempos if 0.85 - 1e-3 <= t <= 1.2 + 1e-3),
            "lipsync": lipsync_stage.summary(project, language)}


def dub(run: Run, out: Path) -> Summary:
    summary = Summary(run.project.path)
    resumed = voices_stage.resume_jobs(run)
    if resumed:
        run.report.note(f"Resumed {resumed} line(s) left unfinished by an earlier run.")
    summary.lines = transcribe_stage.transcribe(run)
    if summary.lines == 0:
        return summary
    for language in run.options.targets:
        translate_stage.translate(run, language)
        voices_stage.cast(run, language)
        voices_stage.synthesize(run, language)
    if run.options.lipsync:  # a master's picture follows its first language
        lipsync_stage.lipsync(run, run.options.targets[0])
    summary.rendered = render_stage.render(run, out, list(run.options.targets))
    for language in run.options.targets:
        summary.languages[language] = figures(run, language) | summary.rendered.mixes.get(language, {})
    return summary
