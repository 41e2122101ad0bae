"""engines/ must import without Qt (it runs in the CLI and on GPU machines that have no Qt)."""
import ast
import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
FORBIDDEN = ("PySide6", "PyQt5", "PyQt6", "pyqtgraph", "qtpy", "superqt", "widgets", "workbench")

BLOCKER = """
import importlib, pkgutil, sys
class Block:
    def find_spec(self, name, path=None, target=None):
        if name.split('.')[0] in {forbidden!r}:
            raise ImportError('blocked: ' + name)
        return None
sys.meta_path.insert(0, Block())
import engines
names = [m.name for m in pkgutil.walk_packages(engines.__path__, 'engines.')]
for name in names:
    importlib.import_module(name)
print(len(names))
"""


def test_every_engine_module_imports_with_gui_blocked():
    code = BLOCKER.format(forbidden=set(FORBIDDEN))
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert int(result.stdout.strip().splitlines()[-1]) >= 5


QT_FREE_WORKBENCH = """
import importlib, pkgutil, sys
class Block:
    def find_spec(self, name, path=None, target=None):
        if name.split('.')[0] in {'PySide6', 'pyqtgraph', 'widgets'} or name.startswith(('workbench.pages',
                                                                                          'workbench.shell',
                                                                                          'workbench.topics')):
            raise ImportError('blocked: ' + name)
        return None
sys.meta_path.insert(0, Block())
import workbench.core
names = [m.name for m in pkgutil.walk_packages(workbench.core.__path__, 'workbench.core.')] + ['workbench.cli']
for name in names:
    importlib.import_module(name)
from workbench.cli import main
assert main(['list']) == 0
print(len(names))
"""


def test_the_qt_free_part_of_the_workbench_imports_and_runs_the_cli_without_qt():
    """workbench.core and the command line: sessions, records, the headless runner, the engine's
    child process — none of them may need Qt, the pages or the shell."""
    result = subprocess.run([sys.executable, "-c", QT_FREE_WORKBENCH], cwd=ROOT, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr
    assert int(result.stdout.strip().splitlines()[-1]) >= 8


def _imports(path: pathlib.Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


def test_layer_arrows_point_one_way():
    for path in (ROOT / "engines").rglob("*.py"):
        assert not _imports(path) & set(FORBIDDEN), f"{path} imports GUI or app code"
    for path in (ROOT / "widgets").rglob("*.py"):
        assert not _imports(path) & {"engines", "workbench"}, f"{path} imports engines/workbench"
    for path in (ROOT / "workbench" / "core").rglob("*.py"):
        inward = {m for m in _imported_modules(path) if m.startswith(("workbench.pages", "workbench.shell",
                                                                      "workbench.topics"))}
        assert not inward, f"{path} (Qt-free) imports {inward}"


def _topic_of(path: pathlib.Path, root: pathlib.Path) -> str:
    """The topic a file belongs to: a module ``<id>.py`` or anything inside the package ``<id>/``."""
    return path.relative_to(root).parts[0].removesuffix(".py")


@pytest.mark.parametrize("layer", ["workbench/topics", "engines"])
def test_topics_never_import_each_other(layer):
    """Modules and packages alike: every file of a topic (``topics/rope/panel.py`` too) is scanned
    for imports of any other topic, in the panels and in the engines."""
    from engines.registry import TOPIC_IDS

    root = ROOT / layer
    package = layer.replace("/", ".")
    files = [p for p in root.rglob("*.py") if _topic_of(p, root) in TOPIC_IDS]
    assert {_topic_of(p, root) for p in files} >= {"rope", "vae_ib", "batchnorm"}
    assert any(len(p.relative_to(root).parts) > 1 for p in files)  # packages are scanned
    for path in files:
        own = _topic_of(path, root)
        for name in _imported_modules(path):
            parts = name.split(".")
            depth = len(package.split("."))
            if parts[:depth] == package.split(".") and len(parts) > depth and parts[depth] in TOPIC_IDS:
                assert parts[depth] == own, f"{path.relative_to(ROOT)} imports topic {parts[depth]} ({name})"


def _imported_modules(path: pathlib.Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found |= {f"{node.module}.{a.name}" for a in node.names}
    return found
