"""A project's settings, speakers and lines as plain data: what `dubstudio project info` prints,
and what any tool can read without the GUI."""

from dubstudio import timing
from dubstudio.project import relink
from dubstudio.project.migrations import schema_version
from dubstudio.project.project import Project


def describe(project: Project) -> dict:
    settings = project.settings
    rate, sample_rate = settings.frame_rate, settings.sample_rate
    media = project.media()
    voices = {voice.id: voice.name for voice in project.voices()}
    casting = {language: project.casting(language) for language in settings.target_languages}
    names = {speaker.id: speaker.name for speaker in project.speakers()}
    translations = {language: project.translations(language) for language in settings.target_languages}

    def line_info(line) -> dict:
        texts = {}
        for language in settings.target_languages:
            found = translations[language].get(line.id)
            texts[language] = None if found is None else {
                "text": found.text, "status": found.status, "fit_strategy": found.fit_strategy,
                "chosen_take_id": found.chosen_take_id}
        return {"number": line.number, "id": line.id, "start": line.start, "end": line.end,
                "start_timecode": timing.samples_to_timecode(line.start, rate, sample_rate),
                "end_timecode": timing.samples_to_timecode(line.end, rate, sample_rate),
                "speaker": names.get(line.speaker_id), "source_text": line.source_text, "translations": texts}

    undo = project.undo_status()
    return {
        "path": str(project.path),
        "schema_version": schema_version(),
        "settings": {"title": settings.title, "source_language": settings.source_language,
                     "target_languages": list(settings.target_languages), "sample_rate": sample_rate,
                     "frame_rate": timing.format_frame_rate(rate), "drop_frame": timing.is_drop_frame(rate)},
        "media": None if media is None else {
            "path": str(media.path), "size": media.size, "content_hash": media.content_hash,
            "found": relink.locate(project.path, media) is not None, "probe": media.probe},
        "speakers": [{"id": speaker_id, "name": name,
                      "voices": {language: voices[cast[speaker_id]] for language, cast in casting.items()
                                 if speaker_id in cast}}
                     for speaker_id, name in names.items()],
        "lines": [line_info(line) for line in project.lines()],
        "undo": undo.undo,
        "redo": undo.redo,
        "unfinished_jobs": len(project.jobs.unfinished()),
    }
