"""The marks of a test that needs OpenGL: ``gl`` (the test command runs those under xvfb-run) and a
skip when there is no real X server (OpenGL does not render with QT_QPA_PLATFORM=offscreen)."""
import os

import pytest

NO_X_SERVER = not os.environ.get("DISPLAY") or os.environ.get("QT_QPA_PLATFORM") == "offscreen"
needs_x = pytest.mark.skipif(NO_X_SERVER, reason="OpenGL views need a real X server (run under xvfb-run with a DISPLAY)")
GL_ONLY = [pytest.mark.gl, needs_x]
