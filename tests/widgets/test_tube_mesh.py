"""The rope's tube: every vertex sits one radius from its point, in the plane normal to the curve,
faces close each ring without degenerate triangles, and the frame does not twist along a rope."""
import numpy as np
import pytest

from widgets.curve_view3d import nice_step
from widgets.tube_mesh import tangents, tube_mesh


def hanging_rope(n=60):
    s = np.linspace(0.0, 1.0, n)
    return np.column_stack([0.9 * np.sin(1.2 * s), 0.05 * s ** 2, -0.4 * s])


def test_vertices_sit_one_radius_out_in_the_normal_plane():
    xyz, sides, radius = hanging_rope(), 10, 0.02
    vertices, normals, faces = tube_mesh(xyz, radius, sides)
    centres = np.repeat(xyz, sides, axis=0)
    offsets = vertices - centres
    assert np.allclose(np.linalg.norm(offsets, axis=1), radius, rtol=1e-12)
    assert np.allclose(offsets / radius, normals, atol=1e-12)
    assert np.abs(np.einsum("ij,ij->i", normals, np.repeat(tangents(xyz), sides, axis=0))).max() < 1e-12
    assert faces.shape == ((len(xyz) - 1) * sides * 2, 3) and faces.max() == len(vertices) - 1


def test_no_face_is_degenerate_and_the_frame_does_not_twist():
    xyz, sides = hanging_rope(), 8
    vertices, normals, faces = tube_mesh(xyz, 0.01, sides)
    a, b, c = (vertices[faces[:, k]] for k in range(3))
    assert np.linalg.norm(np.cross(b - a, c - a), axis=1).min() > 1e-8
    first = normals.reshape(len(xyz), sides, 3)[:, 0]
    assert np.einsum("ij,ij->i", first[1:], first[:-1]).min() > 0.99  # neighbours' frames agree


def test_a_repeated_point_borrows_its_neighbours_direction():
    xyz = np.array([[0, 0, 0], [0, 0, -1], [0, 0, -1], [0, 0, -2]], dtype=float)
    assert np.allclose(tangents(xyz), [[0, 0, -1]] * 4)


@pytest.mark.parametrize("bad", [np.zeros((1, 3)), np.array([[0, 0, 0], [np.nan, 0, 0]])])
def test_too_few_or_non_finite_points_are_refused(bad):
    with pytest.raises(ValueError, match="finite points"):
        tube_mesh(bad, 0.1)


def test_grid_steps_are_one_two_or_five_times_a_power_of_ten():
    assert [nice_step(v) for v in (0.35, 0.1, 0.11, 3.0, 7.0)] == pytest.approx([0.5, 0.1, 0.2, 5.0, 10.0])
