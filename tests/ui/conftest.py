"""Qt tests: one QApplication for the whole session, offscreen (set in tests/conftest.py)."""

import pytest


@pytest.fixture(scope="session")
def qapp():
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(["dubstudio-tests"])
    yield app
