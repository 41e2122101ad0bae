"""The surface-of-revolution mesh without OpenGL: every vertex lies on the turned meridian, the
triangles cover the drawn share of the turn exactly, and the guides lie on the surface."""
import math

import numpy as np
import pytest

from widgets.revolved_view3d import ANGLES, guide_segments, nice_step, revolved_mesh


def bowl(n=30):
    r = np.linspace(0.5, 17.5, n)
    return r, 10.0 * (1 - np.sqrt(1 - (r / 20.0) ** 2)) / (1 - math.sqrt(1 - (17.5 / 20.0) ** 2))


def triangle_areas(vertices, faces):
    a, b, c = (vertices[faces[:, i]] for i in range(3))
    return 0.5 * np.linalg.norm(np.cross(b - a, c - a), axis=1)


@pytest.mark.parametrize("cutaway", [0.0, 0.25, 0.5])
def test_the_mesh_turns_the_meridian_and_covers_its_share_of_the_turn(cutaway):
    r, z = bowl()
    vertices, faces, count = revolved_mesh(r, z, cutaway)
    radius = np.hypot(vertices[1:, 0], vertices[1:, 1]).reshape(len(r), count)
    np.testing.assert_allclose(radius, np.repeat(r[:, None], count, 1), rtol=1e-12)
    np.testing.assert_array_equal(vertices[1:, 2].reshape(len(r), count), np.repeat(z[:, None], count, 1))
    assert faces.min() == 0 and faces.max() == len(vertices) - 1
    assert (triangle_areas(vertices, faces) > 0).all()                    # no degenerate triangle
    flat_r = np.linspace(0.0, 10.0, 200)[1:]                               # a flat disk: area π R² × share
    v, f, _ = revolved_mesh(flat_r, np.zeros_like(flat_r), cutaway)
    polygon = count if cutaway == 0.0 else count - 1
    exact = 0.5 * polygon * math.sin(2 * math.pi * (1 - cutaway) / polygon) * flat_r[-1] ** 2
    assert triangle_areas(v, f).sum() == pytest.approx(exact, rel=1e-12)
    assert count == (ANGLES if cutaway == 0.0 else round(ANGLES * (1 - cutaway)) + 1)


def test_guides_lie_on_the_surface_lifted_by_the_given_amount():
    r, z = bowl()
    segments = guide_segments(r, z, 0.25, lift=0.1)
    radius = np.hypot(segments[:, 0], segments[:, 1])
    height = np.interp(radius, r, z)
    np.testing.assert_allclose(segments[:, 2] - height, 0.1, atol=0.02)  # interpolation between meridian points
    angles = np.arctan2(segments[:, 1], segments[:, 0]) % (2 * math.pi)
    assert angles.max() <= 1.5 * math.pi + 1e-9                            # nothing inside the cut-away wedge


def test_nice_steps_are_one_two_or_five_times_a_power_of_ten():
    assert [nice_step(s) for s in (35.0, 6.0, 0.9, 1200.0)] == [10.0, 1.0, 0.2, 200.0]
