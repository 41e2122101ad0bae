"""The widgets package knows no topic: it never imports engines or workbench, nor OpenGL eagerly."""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

WIDGETS = Path(__file__).resolve().parents[2] / "widgets"


def test_widgets_never_import_engines_or_workbench():
    offenders = []
    for path in sorted(WIDGETS.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module or ""]
            else:
                continue
            offenders += [f"{path.name}: {n}" for n in names if n.split(".")[0] in ("engines", "workbench")]
    assert not offenders
    assert len(list(WIDGETS.glob("*.py"))) >= 9


def test_importing_widgets_needs_no_opengl_and_can_share_gl_contexts():
    code = ("import sys, widgets; "
            "bad = [m for m in sys.modules if m.startswith(('OpenGL', 'pyqtgraph.opengl', 'engines', 'workbench'))]; "
            "print(bad); widgets.share_opengl_contexts(); "
            "from PySide6.QtCore import QCoreApplication, Qt; "
            "shared = QCoreApplication.testAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts); "
            "sys.exit(1 if bad or not shared else 0)")
    result = subprocess.run([sys.executable, "-c", code], cwd=WIDGETS.parent, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr

