"""`dubstudio project`: inspect a project without the GUI, relink its media."""

import json
from pathlib import Path


def register(subparsers) -> None:
    parser = subparsers.add_parser("project", help="inspect a project file, relink its media",
                                   description="Work with a DubStudio project file (*.dubproj).")
    commands = parser.add_subparsers(title="project commands", metavar="ACTION", required=True)
    info = commands.add_parser("info", help="print the settings, speakers and lines",
                               description="Print a project's settings, speakers and lines, with timecodes "
                                           "and texts.")
    info.add_argument("project", type=Path, metavar="PROJECT", help="the .dubproj file")
    info.add_argument("--json", action="store_true", help="print JSON instead of text")
    info.set_defaults(func=run_info)
    relink = commands.add_parser("relink", help="find moved source media by its content",
                                 description="Search files and folders (recursively) for the project's source "
                                             "media, by content hash, and remember where it is.")
    relink.add_argument("project", type=Path, metavar="PROJECT", help="the .dubproj file")
    relink.add_argument("places", type=Path, nargs="+", metavar="PLACE", help="a file or folder to search")
    relink.set_defaults(func=run_relink)


def run_info(args) -> int:
    from dubstudio.project import Project
    from dubstudio.project.info import describe

    with Project.open(args.project) as project:
        info = describe(project)
    if args.json:
        print(json.dumps(info, indent=2, ensure_ascii=False))
    else:
        print(format_info(info))
    return 0


def format_info(info: dict) -> str:
    settings = info["settings"]
    rate = settings["frame_rate"] + (" fps, drop-frame timecode" if settings["drop_frame"] else " fps")
    out = [f"Project   {info['path']} (schema {info['schema_version']})"]
    if settings["title"]:
        out.append(f"Title     {settings['title']}")
    out.append(f"Languages {settings['source_language']} -> {', '.join(settings['target_languages'])}")
    out.append(f"Timebase  {settings['sample_rate']} Hz audio, {rate}")
    media = info["media"]
    if media is None:
        out.append("Media     none yet")
    else:
        state = "found" if media["found"] else "MISSING: run 'dubstudio project relink PROJECT FOLDER'"
        out.append(f"Media     {media['path']} ({media['size']:,} bytes, {state})")
    out.append(f"Speakers  {len(info['speakers'])}")
    for speaker in info["speakers"]:
        cast = ", ".join(f"{language}: {voice}" for language, voice in speaker["voices"].items())
        out.append(f"  {speaker['name']}" + (f"  ({cast})" if cast else ""))
    out.append(f"Lines     {len(info['lines'])}")
    for line in info["lines"]:
        out.append(f"  {line['number']:>4}  {line['start_timecode']} - {line['end_timecode']}  "
                   f"{line['speaker'] or '?'}: {line['source_text']}")
        for language, translation in line["translations"].items():
            if translation is not None:
                out.append(f"        {language} [{translation['status']}] {translation['text']}")
    if info["undo"] or info["redo"]:
        out.append(f"Undo      {info['undo'] or '-'}   Redo: {info['redo'] or '-'}")
    if info["unfinished_jobs"]:
        out.append(f"Jobs      {info['unfinished_jobs']} not finished")
    return "\n".join(out)


def run_relink(args) -> int:
    from dubstudio.project import Project

    with Project.open(args.project) as project:
        found = project.relink_media(args.places)
    print(f"Relinked the source media to {found}.")
    return 0
