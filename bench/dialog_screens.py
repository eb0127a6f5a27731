"""Screenshots of the casting, render and settings dialogs on a dubbed sample, for a person to look at.

    xvfb-run -a -s "-screen 0 1600x1000x24" env QT_QPA_PLATFORM=xcb \
        .venv/bin/python bench/dialog_screens.py [--project SAMPLE.dubproj] [--out /work/notes/screens]

Without --project the two-line sample is dubbed first (tests/ui/dubbed_sample.py, a few minutes). The
project is copied, then: the casting dialog once the engine has measured every voice's similarity; the
render dialog as it opens; the same after line 1's translation is made too long and regenerated (a real
over-long take, listed as flagged); the render running and finished; the settings dialog.
"""

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "ui"))

LONG = ("Buenos días, Maya, ¿terminaste ya el informe completo para la estación de tren y todos los anexos "
        "que pidió la directora la semana pasada?")


def pump(app, condition, timeout: float) -> None:
    end = time.monotonic() + timeout
    while not condition() and time.monotonic() < end:
        app.processEvents()
        time.sleep(0.05)
    if not condition():
        raise TimeoutError("the dialog did not get there in time")


def grab(app, widget, path: Path) -> None:
    for _ in range(10):
        app.processEvents()
        time.sleep(0.05)
    screen = widget.screen()
    picture = screen.grabWindow(widget.winId()) if screen is not None else widget.grab()
    if picture.isNull():
        picture = widget.grab()
    picture.save(str(path))
    print(f"{path}  {picture.width()}x{picture.height()}", flush=True)


def idle(session) -> bool:
    return bool(session.jobs.rows) and not any(work.active for work in session.jobs.rows)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--project", type=Path, help="a dubbed project (copied; default: dub the sample)")
    parser.add_argument("--out", type=Path, default=Path("/work/notes/screens"))
    args = parser.parse_args()
    from dubstudio.ui.casting import CastingDialog
    from dubstudio.ui.render import RenderDialog
    from dubstudio.ui.session import Session
    from dubstudio.ui.settings import SettingsDialog
    from PySide6.QtWidgets import QApplication

    from dubstudio.project import Project

    app = QApplication.instance() or QApplication(sys.argv[:1])
    args.out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="dubstudio-screens-"))
    if args.project:
        path = Path(shutil.copy2(args.project, work / args.project.name))
    else:
        from dubbed_sample import dubbed_sample

        path = dubbed_sample(work)
    session = Session(Project.open(path))
    session.start_engine()
    try:
        casting = CastingDialog(session)
        casting.show()
        pump(app, lambda: not casting._measuring, 600)  # the similarity of every voice to the first speaker
        grab(app, casting, args.out / "casting.png")
        casting.close()

        render = RenderDialog(session)
        render.folder.setText(str(work / "render"))
        render.show()
        grab(app, render, args.out / "render.png")
        render.close()

        first = session.project.lines()[0]
        session.edit_translation(first.id, LONG, "es")
        jobs = len(session.jobs.rows)
        session.regenerate([first.id], "es")
        pump(app, lambda: len(session.jobs.rows) > jobs and idle(session), 600)
        render = RenderDialog(session)
        render.folder.setText(str(work / "render"))
        render.show()
        grab(app, render, args.out / "render-flagged.png")
        render.start()
        pump(app, lambda: "mix and deliver" in render.stage.text() or render.status_text != "running", 600)
        grab(app, render, args.out / "render-running.png")
        pump(app, lambda: render.status_text != "running", 600)
        grab(app, render, args.out / "render-done.png")
        render.close()

        settings = SettingsDialog(path=work / "settings.json")
        settings.show()
        grab(app, settings, args.out / "settings.png")
        settings.close()
    finally:
        session.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
