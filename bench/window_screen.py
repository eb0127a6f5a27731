"""A screenshot of the main window on a dubbed project, for a person to look at.

    xvfb-run -a -s "-screen 0 1600x1000x24" env QT_QPA_PLATFORM=xcb \
        .venv/bin/python bench/window_screen.py PROJECT.dubproj [--out /work/notes/screens]

The project is copied; line 3 is selected with the playhead inside it, once the waveform, the
thumbnails and the preview's exact frame have arrived.
"""

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from dialog_screens import grab, pump  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("project", type=Path)
    parser.add_argument("--out", type=Path, default=Path("/work/notes/screens"))
    args = parser.parse_args()
    from PySide6.QtWidgets import QApplication

    from dubstudio.ui.window import MainWindow

    app = QApplication(sys.argv[:1])
    copy = Path(tempfile.mkdtemp()) / args.project.name
    shutil.copyfile(args.project, copy)
    window = MainWindow()
    window.resize(1600, 1000)
    window.show()
    window.open_project(copy, start_engine=False)
    session = window.session
    line = session.project.lines()[2]
    session.select([line.id])
    session.seek((line.start + line.end) // 2)
    pump(app, lambda: window.views["preview"].displayed_frame() >= 0, 60)
    deadline = time.monotonic() + 8  # thumbnails and the waveform decode in the background
    while time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.05)
    args.out.mkdir(parents=True, exist_ok=True)
    grab(app, window, args.out / "main-window.png")
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
