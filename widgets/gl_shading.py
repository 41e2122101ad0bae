"""What the 3-D views share: a headlight shader for meshes, and the floor-grid and label colours that
read on a light or a dark background.

Mesh shaders keep one compiled program per shader *name*, which a second or recreated GL context
cannot use, so each view builds its own unregistered program (``headlight_program``).
"""
from __future__ import annotations

from typing import Any

import numpy as np
import pyqtgraph as pg

_VERTEX = """
uniform mat4 u_mvp;
uniform mat3 u_normal;
attribute vec4 a_position;
attribute vec3 a_normal;
attribute vec4 a_color;
varying vec4 v_color;
varying vec3 v_normal;
void main() {
    v_normal = normalize(u_normal * a_normal);
    v_color = a_color;
    gl_Position = u_mvp * a_position;
}
"""
_FRAGMENT = """
#ifdef GL_ES
precision mediump float;
#endif
varying vec4 v_color;
varying vec3 v_normal;
void main() {
    float light = abs(dot(normalize(v_normal), normalize(vec3(0.25, 0.35, 0.9))));
    gl_FragColor = vec4(v_color.rgb * (0.55 + 0.45 * light), v_color.a);
}
"""


def headlight_program():
    """A fresh, unregistered shader program: colour per vertex, lit from the camera's direction."""
    from pyqtgraph.opengl import shaders

    name = "ssw-surface-headlight"
    saved = shaders.ShaderProgram.names.get(name)
    program = shaders.ShaderProgram(name, [shaders.VertexShader(_VERTEX), shaders.FragmentShader(_FRAGMENT)])
    if saved is None:
        del shaders.ShaderProgram.names[name]
    else:
        shaders.ShaderProgram.names[name] = saved
    return program


def is_light(background: Any) -> bool:
    return pg.mkColor(background).lightnessF() > 0.5


def floor_color(background: Any) -> tuple[int, int, int, int]:
    """A floor grid seen on ``background`` but quieter than the data."""
    return (0, 0, 0, 55) if is_light(background) else (255, 255, 255, 60)


def label_color(background: Any) -> tuple[int, int, int]:
    """Text and guide lines (axes, scale) on ``background``."""
    return (90, 92, 100) if is_light(background) else (175, 178, 186)


def rgba_colors(cmap: pg.ColorMap, t) -> np.ndarray:
    """(N, 4) float32 RGBA of the colour map at positions ``t`` in [0, 1] (opaque if the map has no alpha)."""
    rgba = np.asarray(cmap.map(np.ravel(t), mode="float"), dtype=np.float32)
    if rgba.shape[1] == 3:
        rgba = np.hstack([rgba, np.ones((len(rgba), 1), dtype=np.float32)])
    return np.ascontiguousarray(rgba)
