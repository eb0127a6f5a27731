"""`dubstudio gui`: open the desktop editor (on a project, or on a video to start one)."""

from pathlib import Path


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "gui", help="open the desktop editor",
        description="Open the desktop editor: a .dubproj project to review, a video to start a project "
                    "from, or nothing (then File > New or Open).")
    parser.add_argument("target", type=Path, nargs="?", help="a project (.dubproj) or a video")
    parser.set_defaults(func=run)


def run(args) -> int:
    from dubstudio.ui.app import check_target, main

    check_target(args.target)
    return main(args.target)
