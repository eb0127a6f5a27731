"""`dubstudio lipsync`: re-render the mouths of a project's lines to follow their dub, and say per line
how well the mouth follows it before and after (the next `dubstudio render` shows the result)."""

from pathlib import Path

from dubstudio.cli.engine import add_engine_arguments
from dubstudio.cli.stages import opened
from dubstudio.errors import DubStudioError
from dubstudio.pipeline import lipsync as lipsync_stage
from dubstudio.pipeline.run import Options


def add_method_arguments(parser, method: str, folder: str) -> None:
    """The method, its model folder and the SyncNet folder, under the option names a command gives them."""
    parser.add_argument(method, dest="lipsync_method", choices=lipsync_stage.METHODS, default="embedded",
                        help="embedded (no model, default), or Wav2Lip / Wav2Lip-GAN from a model folder")
    parser.add_argument(folder, dest="lipsync_folder", metavar="DIR",
                        help="the folder holding wav2lip.pth (wav2lip) or wav2lip_gan.pth (wav2lip-gan)")
    parser.add_argument("--syncnet", metavar="DIR",
                        help="a SyncNet folder (syncnet_v2.model): LSE-D and LSE-C beside the sync score")


def check_method(method: str, folder: str | None, syncnet: str | None, folder_option: str) -> None:
    """One sentence, before anything runs, for a method that cannot run as asked."""
    from dubstudio.engine.registry import default_registry  # the backends' folder checks: files only

    if method != "embedded" and not folder:
        raise DubStudioError(f"{method} needs its model folder: add {folder_option} DIR (the folder that holds "
                             f"{'wav2lip_gan' if method == 'wav2lip-gan' else 'wav2lip'}.pth).")
    wanted = ([(method, folder)] if method != "embedded" else []) + ([("syncnet", syncnet)] if syncnet else [])
    for name, where in wanted:
        ready, missing = default_registry().get(name).check(where)
        if not ready:
            raise DubStudioError(f"{name} cannot run: {missing}.")


def options_of(args) -> Options:
    check_method(args.lipsync_method, args.lipsync_folder, args.syncnet, "--folder")
    return Options(lipsync_method=args.lipsync_method, lipsync_folder=args.lipsync_folder, syncnet=args.syncnet)


def register(subparsers) -> None:
    parser = subparsers.add_parser("lipsync", help="re-render the lips of a project's lines to follow the dub",
                                   description="Lip-sync each line that has a chosen take and no current lip-sync "
                                               "(or the lines given with --line, again), print each line's sync "
                                               "score before and after; the next render shows the new frames.")
    parser.add_argument("project", type=Path, help="a .dubproj file")
    parser.add_argument("--line", type=int, action="append", metavar="N",
                        help="the line's number as `project info` shows it; repeat for more")
    parser.add_argument("--lang", "--to", dest="targets", action="append", metavar="LANG",
                        help="the dub language to lip-sync (default: the project's first, which masters show)")
    add_method_arguments(parser, "--method", "--folder")
    add_engine_arguments(parser)
    parser.set_defaults(func=run_lipsync)


def describe(outcome: lipsync_stage.Outcome) -> str:
    """'line 3: sync 0.12 -> 0.48, 40 frames changed, 5 skipped (no face 3, profile 2)'."""
    scores = outcome.result.scores
    text = f"line {outcome.line.number}: sync {scores['score_before']:.2f} -> {scores['score_after']:.2f}"
    lse = scores.get("lse")
    if lse:
        text += (f", LSE-D {lse['before']['d']:.2f} -> {lse['after']['d']:.2f}, "
                 f"LSE-C {lse['before']['c']:.2f} -> {lse['after']['c']:.2f}")
    skipped = {reason: len(frames) for reason, frames in scores.get("skipped", {}).items() if frames}
    text += f", {scores.get('changed', 0)} frames changed, {sum(skipped.values())} skipped"
    if skipped:
        text += " (" + ", ".join(f"{reason} {count}" for reason, count in skipped.items()) + ")"
    return text + (" (up to date)" if outcome.reused else "")


def run_lipsync(args) -> int:
    options = options_of(args)
    with opened(args, options) as run:
        project = run.project
        languages = args.targets or list(project.settings.target_languages[:1])
        wanted = None
        if args.line:
            by_number = {line.number: line for line in project.lines()}
            missing = [n for n in args.line if n not in by_number]
            if missing:
                raise DubStudioError(f"the project has no line {', '.join(map(str, missing))}: it has lines 1 to "
                                     f"{len(by_number)} (dubstudio project info lists them).")
            for language in languages:
                translations = project.translations(language)
                for n in args.line:
                    translation = translations.get(by_number[n].id)
                    if translation is None or translation.chosen_take_id is None:
                        raise DubStudioError(f"line {n} has no {language} take to lip-sync: make one first "
                                             f"(dubstudio synthesize --line {n} --to {language}).")
            wanted = [by_number[n].id for n in args.line]
        for language in languages:
            # named lines are what the user is waiting for: they overtake queued batch work
            outcomes = lipsync_stage.lipsync(run, language, wanted, interactive=wanted is not None)
            for outcome in outcomes:
                print(f"{language}: {describe(outcome)}")
            if not outcomes:
                print(f"{language}: no line has a take to lip-sync yet (dubstudio synthesize makes them).")
    return 0
