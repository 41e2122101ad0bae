"""The bundled data sets: digits read straight from scikit-learn's file equal ``load_digits()``, and
the moons split has the documented sizes."""
import numpy as np

from engines.training.datasets import digits_all, digits_split, moons_split


def test_digits_read_directly_equal_load_digits():
    from sklearn.datasets import load_digits

    reference = load_digits()
    x, y = digits_all()
    assert np.array_equal(x, (reference.data / 16.0).astype(np.float32))
    assert np.array_equal(y, reference.target)
    split = digits_split()
    assert split.x_train.shape == (1257, 64) and split.x_test.shape == (540, 64)


def test_moons_split_is_700_300_and_balanced():
    split = moons_split()
    assert split.x_train.shape == (700, 2) and split.x_test.shape == (300, 2)
    assert abs(split.y_train.mean() - 0.5) < 0.01
