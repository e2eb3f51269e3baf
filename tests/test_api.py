"""The public API of ``import ganseg_lib``: every Examples section runs as a doctest, every public
name is documented, ``import ganseg_lib`` stays light, and :func:`ganseg_lib.segment` gives the
map that ``ganseg predict`` writes."""

from __future__ import annotations

import doctest
import inspect
import subprocess
import sys

import numpy as np
import pytest

import ganseg_lib
from ganseg_lib.api import SPLITS
from ganseg_lib.cli import main
from ganseg_lib.errors import DataError
from tests.conftest import toy_record

SECTIONS = ("Parameters", "Returns", "Examples")


def docstring_sections(obj) -> set[str]:
    """The numpydoc section headings (a title underlined by dashes) of a docstring."""
    lines = inspect.getdoc(obj).splitlines()
    return {
        a.strip()
        for a, b in zip(lines, lines[1:])
        if b.strip() and set(b.strip()) == {"-"} and len(b.strip()) == len(a.strip())
    }


@pytest.mark.parametrize("name", ganseg_lib.__all__)
def test_every_public_name_is_documented_with_examples(name):
    obj = getattr(ganseg_lib, name)
    assert callable(obj), name
    wanted = set(SECTIONS) - (set() if inspect.signature(obj).parameters else {"Parameters"})
    missing = wanted - docstring_sections(obj)
    assert not missing, f"{name}: docstring lacks {sorted(missing)}"


@pytest.mark.parametrize("name", ganseg_lib.__all__)
def test_examples_run_as_doctests(name, monkeypatch):
    """Each public name's Examples, run with a fresh namespace (they import what they use)."""
    monkeypatch.setenv("TQDM_DISABLE", "1")  # no progress bars in the test log
    obj = getattr(ganseg_lib, name)
    tests = doctest.DocTestFinder(recurse=False).find(obj, name, globs={})
    assert tests and tests[0].examples, f"{name}: no doctest found"
    flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    runner = doctest.DocTestRunner(optionflags=flags)
    for test in tests:
        runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.failed == 0, f"{name}: {result.failed} of {result.attempted} examples failed"


def test_import_is_light_and_names_resolve_on_first_use():
    code = (
        "import sys, ganseg_lib; "
        "print(sorted(m for m in ('torch', 'numpy', 'ganseg_lib.api') if m in sys.modules)); "
        "ganseg_lib.segment; print('ganseg_lib.api' in sys.modules, 'torch' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split("\n")[:2] == ["[]", "True False"]


def test_public_names_and_existing_import_paths():
    import ganseg_lib.evaluate.run  # noqa: F401  (subpackages keep their names)
    import ganseg_lib.train.loop  # noqa: F401
    from ganseg_lib.analysis.stats import welch_test
    from ganseg_lib.api import segment

    assert ganseg_lib.segment is segment and ganseg_lib.welch_test is welch_test
    assert inspect.ismodule(ganseg_lib.train) and inspect.ismodule(ganseg_lib.evaluate)
    assert set(ganseg_lib.__all__) <= set(dir(ganseg_lib))
    assert len(set(ganseg_lib.__all__)) == len(ganseg_lib.__all__)
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        ganseg_lib.nothing  # noqa: B018


def test_segment_refuses_what_is_not_an_rgb_image():
    rgb = np.zeros((80, 80, 3), np.uint8)
    with pytest.raises(DataError, match="RGB"):
        ganseg_lib.segment(rgb[..., 0])
    with pytest.raises(DataError, match="float image"):
        ganseg_lib.segment(rgb.astype(float) + 2.0)
    with pytest.raises(DataError, match="uint8 or float"):
        ganseg_lib.segment(rgb.astype(np.uint16))
    with pytest.raises(DataError, match="differs from the image"):
        ganseg_lib.segment(rgb, mask=np.ones((80, 81), bool))
    with pytest.raises(DataError, match="empty"):
        ganseg_lib.segment(rgb, mask=np.zeros((80, 80), bool))


def test_load_dataset_splits_the_training_images_as_training_does(monkeypatch):
    from ganseg_lib.data import source

    def fake_split(data, split, drive_dir=None, seed=0, chase_dir=None):
        return [toy_record(seed=i, split=split) for i in range(20 if split == "training" else 3)]

    monkeypatch.setattr(source, "load_split", fake_split)
    with pytest.raises(DataError, match="split must be one of"):
        ganseg_lib.load_dataset("phantom", "val")
    ids = {s: [r.image_id for r in ganseg_lib.load_dataset("phantom", s)] for s in SPLITS}
    fit, held_out = source.split_validation(fake_split("phantom", "training"))
    assert ids["train"] == [r.image_id for r in fit] and len(fit) == 16
    assert ids["validation"] == [r.image_id for r in held_out]
    assert ids["training"] == ids["train"] + ids["validation"] and len(ids["test"]) == 3


@pytest.mark.drive
def test_segment_equals_ganseg_predict_on_a_drive_image(drive_path, tmp_path):
    """``ganseg predict --out-dir --npy`` (the batch path, which does not go through
    :func:`segment`) and :func:`segment` give the same float map of a DRIVE test image."""
    image = sorted((drive_path / "test" / "images").iterdir())[0]
    code = main(["predict", str(image), "--out-dir", str(tmp_path), "--npy", "--quiet"])
    assert code == 0
    expected = np.load(tmp_path / f"{image.stem}_prob.npy")
    prob = ganseg_lib.segment(ganseg_lib.read_image(image))
    assert prob.shape == expected.shape and prob.dtype == np.float32
    difference = float(np.abs(prob - expected).max())
    print(f"{image.name}: max |segment − ganseg predict| = {difference:.3g}")
    assert difference <= 1e-6
