"""The looks at the first registration's generators load from their data file, whole and once."""

import json

import pytest

from ganseg_lib.analysis.study.first_looks import FIRST_LOOKS, load_first_looks


def _text(*groups):
    return json.dumps({"arms": [{"arm": a, "looks": looks} for a, looks in groups]})


def test_a_look_keeps_its_key_verdict_and_words_in_the_files_order():
    text = _text(
        ("b", {"drive/b-n300-s1": {"vessels": True, "what": "dark lines"}}),
        ("a", {"chase/a-n1000-s2": {"vessels": False, "what": "grey speckle"}}),
    )
    looks = load_first_looks(text)
    assert list(looks) == ["drive/b-n300-s1", "chase/a-n1000-s2"]
    assert looks["drive/b-n300-s1"].vessels and looks["drive/b-n300-s1"].what == "dark lines"
    assert not looks["chase/a-n1000-s2"].vessels


def test_a_key_looked_at_twice_is_an_error_naming_it():
    look = {"vessels": False, "what": "grey"}
    with pytest.raises(ValueError, match="drive/x-s1.*twice"):
        load_first_looks(_text(("a", {"drive/x-s1": look}), ("b", {"drive/x-s1": look})))


@pytest.mark.parametrize(
    "entry", [{"what": "grey"}, {"vessels": "no", "what": "grey"}, {"vessels": True}]
)
def test_a_look_without_a_bool_verdict_and_words_is_an_error_naming_it(entry):
    with pytest.raises(ValueError, match="drive/x-s1"):
        load_first_looks(_text(("a", {"drive/x-s1": entry})))


def test_the_shipped_looks_name_a_data_set_and_a_cell_and_say_what_is_there():
    assert FIRST_LOOKS  # the file ships with the package and is read at import
    for key, look in FIRST_LOOKS.items():
        data, cell = key.split("/")
        assert data in {"drive", "chase"} and "-n" in cell and "-s" in cell, key
        assert len(look.what) > 10, key
