"""Steps 3-5: transcribe, find the speakers, cut dub lines; speakers get their reference audio."""

from dubstudio.jobs import BATCH, InputFile
from dubstudio.media import load_audio
from dubstudio.pipeline.run import Run
from dubstudio.project import NewLine
from dubstudio.project.models import Word

UNDETERMINED = "und"


def transcribe(run: Run) -> int:
    """Fill an empty project with lines and speakers; returns the number of lines (0: no speech).
    A project that has lines keeps them: a person may have edited them."""
    project = run.project
    if project.lines():
        return len(project.lines())
    language = run.options.source or (None if project.settings.source_language == UNDETERMINED
                                      else project.settings.source_language)
    bar = run.report.stage("transcribe")
    try:
        result = run.wait(run.engine.submit("transcribe", {
            "media": InputFile(str(run.media_path)), "language": language, "whisper": run.options.whisper,
            "pyannote": run.options.pyannote, "speakers": run.options.speakers}, priority=BATCH), bar)
    finally:
        bar.close()
    if project.settings.source_language == UNDETERMINED:
        project.set_source_language(result["language"])
    if not result["lines"]:
        run.report.note("No speech was found in the source: the project has no lines to dub.")
        return 0
    audio = None
    ids = {}
    for number, (name, speaker) in enumerate(result["speakers"].items(), 1):
        ids[name] = project.add_speaker(f"Speaker {number}")
        for start, end in speaker["reference"]:
            if audio is None:
                audio = load_audio(run.media_path, channels=1)[:, 0]
            project.add_speaker_reference(ids[name], audio[start:end], 48_000, (start, end))
        if speaker["short"]:
            run.report.note(f"Speaker {number} says less than 10 s clearly: voice matching will be weaker.")
    project.add_lines(NewLine(line["start"], line["end"], line["text"], ids[line["speaker"]],
                              tuple(Word(start, end, text) for start, end, text, _ in line["words"]))
                      for line in result["lines"])
    return len(result["lines"])
