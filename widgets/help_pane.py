"""A read-only pane for a topic's markdown note: the idea in a few paragraphs and its key equations.

Qt's markdown importer marks code spans and blocks as fixed-pitch but applies no style sheet, so
equations written as code came out in a small proportional font.  After each load the pane walks
the document once and gives fixed-pitch text a monospace family, a slightly larger size and a faint
background, and code blocks an indented shaded box.
"""
from __future__ import annotations

from pathlib import Path

from PySide6 import QtCore, QtGui, QtWidgets

_CODE_SCALE = 1.08
_CODE_BACKGROUND = QtGui.QColor(127, 127, 127, 28)


class HelpPane(QtWidgets.QTextBrowser):
    """Markdown help with readable sizes; external links open in the system browser, and a link
    ``page:<id>`` asks for one of the topic's pages (``pageRequested``): a claim links to the page
    that shows it."""

    pageRequested = QtCore.Signal(str)

    def __init__(self, parent: QtWidgets.QWidget | None = None, base_point_size: float | None = None):
        super().__init__(parent)
        self.setOpenExternalLinks(False)
        self.setOpenLinks(False)
        self.anchorClicked.connect(self._follow)
        font = QtGui.QFont(self.font())
        size = base_point_size or max(10.5, QtWidgets.QApplication.font().pointSizeF() + 1)
        font.setPointSizeF(size)
        self.document().setDefaultFont(font)
        self.document().setDocumentMargin(12)
        self._mono = QtGui.QFontDatabase.systemFont(QtGui.QFontDatabase.SystemFont.FixedFont).families()
        self._source_path: Path | None = None

    def _follow(self, url: QtCore.QUrl) -> None:
        if url.scheme() == "page":
            self.pageRequested.emit(url.path())
        elif url.scheme() in ("http", "https", "mailto"):
            QtGui.QDesktopServices.openUrl(url)
        else:
            self.setSource(url)

    @property
    def source_path(self) -> Path | None:
        """The file last shown by ``set_markdown_file`` (None after ``set_markdown``)."""
        return self._source_path

    def set_markdown(self, text: str) -> None:
        self._source_path = None
        self._load(text)

    def set_markdown_file(self, path: str | Path) -> None:
        """Show a markdown file; a missing or unreadable file shows a message instead of raising."""
        path = Path(path)
        self._source_path = path
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            reason = "not found" if isinstance(exc, FileNotFoundError) else f"unreadable ({exc.__class__.__name__})"
            text = f"# Help not available\n\nThe help file `{path}` is {reason}."
        else:
            self.setSearchPaths([str(path.parent)])
            self.document().setBaseUrl(QtCore.QUrl.fromLocalFile(str(path.parent) + "/"))
        self._load(text)

    def _load(self, text: str) -> None:
        self.document().setMarkdown(text, QtGui.QTextDocument.MarkdownFeature.MarkdownDialectGitHub)
        self._style_code()
        self.moveCursor(QtGui.QTextCursor.MoveOperation.Start)

    def _style_code(self) -> None:
        doc = self.document()
        code_blocks, code_spans = [], []
        block = doc.begin()
        while block.isValid():
            if block.blockFormat().hasProperty(QtGui.QTextFormat.Property.BlockCodeFence):
                code_blocks.append(block.position())
                code_spans.append((block.position(), block.position() + block.length() - 1, False))
            else:
                it = block.begin()
                while not it.atEnd():
                    frag = it.fragment()
                    if frag.isValid() and frag.charFormat().fontFixedPitch():
                        code_spans.append((frag.position(), frag.position() + frag.length(), True))
                    it += 1
            block = block.next()
        cursor = QtGui.QTextCursor(doc)
        cursor.beginEditBlock()
        for position in code_blocks:
            cursor.setPosition(position)
            fmt = cursor.blockFormat()
            fmt.setBackground(_CODE_BACKGROUND)
            fmt.setLeftMargin(12)
            cursor.setBlockFormat(fmt)
        size = doc.defaultFont().pointSizeF() * _CODE_SCALE
        for start, end, shaded in code_spans:
            char = QtGui.QTextCharFormat()
            char.setFontFamilies(self._mono)
            char.setFontFixedPitch(True)
            char.setFontPointSize(size)
            if shaded:
                char.setBackground(_CODE_BACKGROUND)
            cursor.setPosition(start)
            cursor.setPosition(end, QtGui.QTextCursor.MoveMode.KeepAnchor)
            cursor.mergeCharFormat(char)
        cursor.endEditBlock()
