"""Reusable Qt widgets for the workbench: they take data and signals, know no topic, import no engine.

``CurveView3D`` imports OpenGL only when one is built, so importing this package never needs it.
An application with 3-D views should call :func:`share_opengl_contexts` before creating its
QApplication (pyqtgraph's GL items assume one shared context; see ``gl_view``).
"""
from __future__ import annotations

from .band_plot import BandPlot
from .colored_curve import ColoredCurve, ColoredCurvePlot, attach_colorbar
from .curve_view3d import CurveView3D
from .gl_view import share_opengl_contexts
from .help_pane import HelpPane
from .live_plot import LivePlot
from .param_form import ParamForm
from .progress_eta import ProgressEta, format_eta
from .ring_series import RingSeries
from .surface_map import SurfaceMap
from .surface_view3d import SurfaceView3D
from .training_curves import TrainingCurves
from .transport import TransportBar

__all__ = [
    "BandPlot",
    "ColoredCurve",
    "ColoredCurvePlot",
    "CurveView3D",
    "HelpPane",
    "LivePlot",
    "ParamForm",
    "ProgressEta",
    "RingSeries",
    "SurfaceMap",
    "SurfaceView3D",
    "TrainingCurves",
    "TransportBar",
    "attach_colorbar",
    "format_eta",
    "share_opengl_contexts",
]
