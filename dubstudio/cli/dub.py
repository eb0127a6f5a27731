"""`dubstudio dub`: the whole first pass headless; `dubstudio render`: deliver again after edits."""

import contextlib
from pathlib import Path

from dubstudio.cli.engine import add_engine_arguments, engine_from_args
from dubstudio.cli.lipsync import add_method_arguments, check_method
from dubstudio.cli.progress import TerminalReporter
from dubstudio.errors import DubStudioError
from dubstudio.media.presets import PRESETS as VIDEO_PRESETS
from dubstudio.mix.loudness import PRESETS
from dubstudio.pipeline.deliverables import Deliverables
from dubstudio.pipeline.dub import Summary, dub, figures, open_or_create
from dubstudio.pipeline.render import render
from dubstudio.pipeline.run import Options, Run
from dubstudio.project import Project


def add_model_arguments(parser) -> None:
    parser.add_argument("--whisper", metavar="FOLDER", help="a studio Whisper (CTranslate2) model folder")
    parser.add_argument("--pyannote", metavar="FOLDER", help="a studio pyannote diarization pipeline folder")
    parser.add_argument("--speakers", type=int, metavar="N", help="how many speakers (default: find out)")
    parser.add_argument("--translator", choices=["apertium", "marian", "opus-mt-ct2"], default="apertium",
                        help="translation backend (default: apertium, embedded)")
    parser.add_argument("--translator-model", metavar="FOLDER", help="the model folder of a studio translator")
    parser.add_argument("--no-qa", action="store_true", help="skip transcribing each take back (faster)")
    parser.add_argument("--demucs", metavar="FOLDER",
                        help="a studio demucs (htdemucs) model folder, to separate dialogue from M&E")


def options_from_args(args, targets: tuple[str, ...]) -> Options:
    if args.translator != "apertium" and not args.translator_model:
        raise DubStudioError(f"the {args.translator} translator needs its model folder: add --translator-model FOLDER.")
    if args.lipsync:
        check_method(args.lipsync_method, args.lipsync_folder, args.syncnet, "--lipsync-model")
    return Options(source=getattr(args, "source", None), targets=targets, speakers=args.speakers,
                   whisper=args.whisper, pyannote=args.pyannote, translator=args.translator,
                   translator_folder=args.translator_model, preset=args.preset, qa=not args.no_qa,
                   demucs=args.demucs, container=args.container, lipsync=args.lipsync,
                   lipsync_method=args.lipsync_method, lipsync_folder=args.lipsync_folder, syncnet=args.syncnet)


def add_deliverable_arguments(parser) -> None:
    group = parser.add_argument_group("deliverables (default: all of them, the picture copied)")
    group.add_argument("--no-original", action="store_true", help="leave the source's own audio out of the master")
    group.add_argument("--no-stems", action="store_true", help="write no M&E, dialogue or mix WAVs")
    group.add_argument("--no-subtitle-tracks", action="store_true", help="put no subtitle tracks in the master")
    group.add_argument("--no-subtitle-files", action="store_true", help="write no SRT, WebVTT or ASS files")
    group.add_argument("--burn-subtitles", metavar="LANG",
                       help="draw LANG's subtitles into the picture (re-encodes it, with --video-preset or h264)")
    group.add_argument("--no-timeline", action="store_true", help="write no OTIO timeline (nor its takes)")
    group.add_argument("--video-preset", choices=list(VIDEO_PRESETS),
                       help="re-encode the picture with this preset (default: copy it as it is)")


def deliverables_from_args(args) -> Deliverables:
    return Deliverables(original_track=not args.no_original, stems=not args.no_stems,
                        subtitle_tracks=not args.no_subtitle_tracks, subtitle_files=not args.no_subtitle_files,
                        burn_subtitles=args.burn_subtitles, timeline=not args.no_timeline,
                        video_preset=args.video_preset)


def register(subparsers) -> None:
    parser = subparsers.add_parser("dub", help="dub a video into other languages, headless",
                                   description="Run the whole pipeline on INPUT and write the master, stems, "
                                               "subtitles, an OTIO timeline and the project into OUT. "
                                               "Running it again resumes from what is done.")
    parser.add_argument("input", type=Path, help="the video (or audio) to dub")
    parser.add_argument("--to", dest="targets", action="append", required=True, metavar="LANG",
                        help="a target language (ISO 639-1, e.g. es); repeat for more")
    parser.add_argument("--from", dest="source", metavar="LANG", help="the source language (default: detect)")
    parser.add_argument("-o", "--output", type=Path, help="output folder (default: INPUT's name + '-dub' beside it)")
    parser.add_argument("--preset", choices=sorted(PRESETS), default="web",
                        help="delivery loudness: web -16 LUFS, ebu -23 LUFS, atsc -24 LKFS (default web)")
    parser.add_argument("--container", choices=["mp4", "mov", "mkv"],
                        help="the master's container (default: the source's if it is one of these, else mkv)")
    add_model_arguments(parser)
    lipsync = parser.add_argument_group("lip-sync")
    lipsync.add_argument("--lipsync", action="store_true",
                         help="lip-sync the first target language before the render (the master's picture follows it)")
    add_method_arguments(lipsync, "--lipsync-method", "--lipsync-model")
    add_engine_arguments(parser)
    parser.set_defaults(func=run_dub)

    again = subparsers.add_parser("render", help="render a project's masters again after edits",
                                  description="Mix and deliver PROJECT's languages again from its chosen takes.")
    again.add_argument("project", type=Path)
    again.add_argument("-o", "--output", type=Path, help="output folder (default: the project's folder)")
    again.add_argument("--to", dest="targets", action="append", metavar="LANG",
                       help="only these languages (default: all the project's)")
    again.add_argument("--preset", choices=sorted(PRESETS), default="web")
    again.add_argument("--container", choices=["mp4", "mov", "mkv"], help="the master's container")
    again.add_argument("--demucs", metavar="FOLDER", help="the demucs model folder the dub was separated with, "
                                                          "if any (otherwise the embedded separator runs)")
    add_deliverable_arguments(again)
    add_engine_arguments(again)
    again.set_defaults(func=run_render)


def print_summary(summary: Summary, timings: list[tuple[str, float]] = ()) -> None:
    print(f"\nProject: {summary.project}")
    if timings:
        print("Time: " + ", ".join(f"{stage} {seconds:.1f} s" for stage, seconds in timings))
    print(f"Lines: {summary.lines}")
    for language, found in summary.languages.items():
        fits = found["takes"] - len(found["over"])
        print(f"  {language}: {found['takes']} takes, {fits} inside their slot or borrowed gap, "
              f"{found['within_limits']} within the pace limits"
              + (f"; over: lines {', '.join(map(str, found['over']))}" if found["over"] else ""))
        print(f"      QA: {len(found['flagged'])} flagged by back-transcription"
              + (f" (lines {', '.join(map(str, found['flagged']))})" if found["flagged"] else "")
              + (f", glossary terms missing in lines {', '.join(map(str, found['glossary']))}"
                 if found.get("glossary") else "")
              + f"; loudness {found.get('lufs', float('nan')):.1f} LUFS, "
                f"true peak {found.get('true_peak', float('nan')):.1f} dBTP")
        if found.get("lipsync"):
            sync = found["lipsync"]
            print(f"      lip-sync: {sync['lines']} lines, mean sync score {sync['before']:.2f} -> {sync['after']:.2f}")
    rendered = summary.rendered
    if rendered is None:
        return
    if rendered.residual_db is not None:
        print(f"Original speech left under the lines: {rendered.residual_db:+.1f} dB against the M&E between them")
    print(f"Subtitles: {', '.join(str(p) for p in rendered.subtitles)}")
    print(f"Stems: {', '.join(str(p) for p in rendered.stems)}")
    print(f"Timeline: {rendered.timeline}")
    if rendered.master:
        print(f"Master: {rendered.master}")


def run_dub(args) -> int:
    source = args.input.expanduser().resolve()
    targets = tuple(dict.fromkeys(args.targets))
    out = (args.output or source.with_name(f"{source.stem}-dub")).expanduser().resolve()
    options = options_from_args(args, targets)
    reporter = TerminalReporter()
    with contextlib.closing(open_or_create(source, out, targets, args.source)) as project, \
            engine_from_args(args) as engine:
        summary = dub(Run(project, engine, options, reporter), out)
    if summary.lines == 0:
        print("No speech was found in the source, so there is nothing to dub.")
        return 0
    print_summary(summary, reporter.timings)
    return 0


def run_render(args) -> int:
    path = args.project.expanduser().resolve()
    with contextlib.closing(Project.open(path)) as project, engine_from_args(args) as engine:
        targets = tuple(args.targets or project.settings.target_languages)
        unknown = [code for code in targets if code not in project.settings.target_languages]
        if unknown:
            raise DubStudioError(f"{path.name} has no {', '.join(unknown)} dub: its languages are "
                                 f"{', '.join(project.settings.target_languages)}.")
        options = Options(targets=targets, preset=args.preset, demucs=args.demucs, container=args.container)
        run = Run(project, engine, options, TerminalReporter())
        out = (args.output or path.parent).expanduser().resolve()
        summary = Summary(path, len(project.lines()))
        summary.rendered = render(run, out, list(targets), args.preset, deliverables_from_args(args))
        for language in targets:
            summary.languages[language] = figures(run, language) | summary.rendered.mixes.get(language, {})
    print_summary(summary)
    return 0
