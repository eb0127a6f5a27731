"""Architecture rules that a test enforces: the core and the engine are Qt-free, the core imports no
torch at import time, and ui/ and engine/ install as dubstudio.ui and dubstudio.engine."""

import ast
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GUI_MODULES = {"PySide6", "PyQt5", "PyQt6", "pyqtgraph", "vlc", "shiboken6"}


def imported_top_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_core_and_engine_import_nothing_from_qt_or_vlc():
    offenders = []
    for folder in ("dubstudio", "engine"):
        for path in (ROOT / folder).rglob("*.py"):
            if imported_top_modules(path) & GUI_MODULES:
                offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_importing_the_core_loads_neither_torch_nor_qt():
    modules = [f"dubstudio.{p.relative_to(ROOT / 'dubstudio').with_suffix('').as_posix().replace('/', '.')}"
               for p in (ROOT / "dubstudio").rglob("*.py") if p.name not in ("__init__.py", "__main__.py")]
    code = ("import importlib, json, sys\n"
            f"for name in {modules!r}: importlib.import_module(name)\n"
            "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in "
            "('torch', 'PySide6', 'onnxruntime', 'faster_whisper', 'cv2', 'mediapipe'))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd="/", check=True)
    assert json.loads(out.stdout) == []


def test_ui_and_engine_install_as_subpackages():
    code = ("import dubstudio.ui, dubstudio.engine, dubstudio.resources, json;"
            "print(json.dumps([dubstudio.ui.__file__, dubstudio.engine.__file__]))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd="/", check=True)
    ui_file, engine_file = json.loads(out.stdout)
    assert Path(ui_file) == ROOT / "ui" / "__init__.py"
    assert Path(engine_file) == ROOT / "engine" / "__init__.py"
    # and no generic top-level package leaked into the environment
    leaked = subprocess.run([sys.executable, "-c", "import ui"], capture_output=True, cwd="/")
    assert leaked.returncode != 0
