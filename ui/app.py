"""`dubstudio gui [PROJECT | VIDEO]`: the desktop editor."""

import sys
from pathlib import Path

from dubstudio.errors import DubStudioError


def main(target: Path | None = None, argv: list[str] | None = None) -> int:
    from dubstudio.ui.window import MainWindow
    from PySide6.QtWidgets import QApplication

    from dubstudio import __version__

    app = QApplication.instance() or QApplication(argv or sys.argv[:1])
    app.setApplicationName("DubStudio")
    app.setApplicationVersion(__version__)
    app.setOrganizationName("DubStudio")
    _free_cache_space()
    window = MainWindow()
    window.show()
    if target is not None:
        if target.suffix == ".dubproj":
            if not window.open_project(target):
                return 2
        else:  # a video: start a project from it, as File > New would
            from dubstudio.ui.newproject import NewProjectDialog

            dialog = NewProjectDialog(window, video=target)
            if dialog.exec():
                window.create_project(*dialog.choices())
    return app.exec()


def check_target(target: Path | None) -> None:
    if target is not None and not target.exists():
        raise DubStudioError(f"{target} does not exist: give a .dubproj project or a video to start one from.")


def _free_cache_space() -> None:
    """Keep the caches under the user's limit (least recently used first) before work adds to them."""
    import logging

    from dubstudio import cache_size, settings

    try:
        pruned = cache_size.prune(settings.load().cache_limit_bytes)
    except DubStudioError as error:  # a damaged settings file: the Settings dialog says so and fixes it
        logging.getLogger(__name__).warning("cache not pruned: %s", error)
        return
    if pruned.files:
        logging.getLogger(__name__).info("pruned %d cache files (%d bytes)", pruned.files, pruned.freed)
