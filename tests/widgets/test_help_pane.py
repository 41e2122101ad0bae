"""HelpPane: markdown headings, readable code spans, missing files, external links."""
from __future__ import annotations

from PySide6 import QtGui

from widgets.help_pane import HelpPane

NOTE = """# Spinning rope

The tension obeys `T' = -ρω²r` along the rope.

```
T(s) = T0 + ρ ω² (R² - r(s)²) / 2
```

See [the essay](https://kexue.fm/archives/1).
"""


def blocks(pane):
    b = pane.document().begin()
    while b.isValid():
        yield b
        b = b.next()


def test_renders_headings_and_text(qtbot):
    pane = HelpPane()
    qtbot.addWidget(pane)
    pane.set_markdown(NOTE)
    first = next(blocks(pane))
    assert first.text() == "Spinning rope" and first.blockFormat().headingLevel() == 1
    assert "T(s) = T0" in pane.toPlainText()
    assert "```" not in pane.toPlainText() and "# " not in pane.toPlainText()
    assert pane.document().defaultFont().pointSizeF() >= 10


def test_links_open_outside_or_ask_for_a_page(qtbot, monkeypatch):
    from PySide6.QtCore import QUrl
    from PySide6.QtGui import QDesktopServices

    pane = HelpPane()
    qtbot.addWidget(pane)
    opened = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toString()))
    with qtbot.waitSignal(pane.pageRequested) as asked:
        pane.anchorClicked.emit(QUrl("page:hotspots"))
    assert asked.args == ["hotspots"] and opened == []
    pane.anchorClicked.emit(QUrl("https://kexue.fm/archives/9855"))
    assert opened == ["https://kexue.fm/archives/9855"]


def test_code_is_monospace_and_larger(qtbot):
    pane = HelpPane()
    qtbot.addWidget(pane)
    pane.set_markdown(NOTE)
    base = pane.document().defaultFont().pointSizeF()
    code_block = next(b for b in blocks(pane) if b.text().startswith("T(s)"))
    fmt = code_block.begin().fragment().charFormat()
    assert fmt.fontFixedPitch() and fmt.fontPointSize() > base
    para = next(b for b in blocks(pane) if b.text().startswith("The tension"))
    it = para.begin()
    spans = []
    while not it.atEnd():
        spans.append(it.fragment())
        it += 1
    code = [f for f in spans if "ρω²" in f.text()]
    assert code and code[0].charFormat().fontPointSize() > base
    assert QtGui.QFontInfo(code[0].charFormat().font()).fixedPitch()


def test_missing_file_shows_message(qtbot, tmp_path):
    pane = HelpPane()
    qtbot.addWidget(pane)
    pane.set_markdown_file(tmp_path / "nope.md")
    assert "not found" in pane.toPlainText() and "nope.md" in pane.toPlainText()


def test_file_is_loaded(qtbot, tmp_path):
    path = tmp_path / "rope.md"
    path.write_text(NOTE, encoding="utf-8")
    pane = HelpPane()
    qtbot.addWidget(pane)
    pane.set_markdown_file(path)
    assert pane.source_path == path
    assert "Spinning rope" in pane.toPlainText()
