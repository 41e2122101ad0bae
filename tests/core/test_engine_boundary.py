"""engines/ must import without Qt (it runs in the CLI and on GPU machines that have no Qt)."""
import ast
import pathlib
import subprocess
import sys

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


def test_topics_never_import_each_other():
    topics = ROOT / "workbench" / "topics"
    names = {p.stem for p in topics.glob("*.py")} - {"__init__", "generic"}
    for path in topics.glob("*.py"):
        if path.stem == "__init__":
            continue
        text = path.read_text(encoding="utf-8")
        for other in names - {path.stem}:
            assert f"workbench.topics.{other}" not in text, f"{path.name} imports topic {other}"
