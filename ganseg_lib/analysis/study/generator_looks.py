"""A person's look at the 32 samples of each checked generator of "Fewer labels": the second
registration's (``results/generator/fewer-labels-passing/<data>/<cell>.samples.png``) and the
exploratory probes' (the first registration's are in
:mod:`~ganseg_lib.analysis.study.first_looks`). Are dark, vessel-like lines there, and what is —
the third part of the generator check's pass rule, as
:mod:`ganseg_lib.analysis.replication.sample_looks` is for the training chapter's runs. Keyed
``"<data>/<cell>"``: CHASE_DB1's cells have DRIVE's names.
"""

from __future__ import annotations

from ganseg_lib.analysis.replication.sample_looks import Look

PASSING_LOOKS: dict[str, Look] = {
    # tuning, 1K, lr 1e-4, β1 0.5
    "drive/gan-fair-lr0.0001-b0.5-Gbnresize-noise-flips-spec1-normnone-realnotfake-n1000-s0": Look(
        False,
        "mostly plain low-contrast grey with a faint grid texture, some dark field-of-view "
        "corners; a few short dark diagonal strokes, none branching",
    ),
    "drive/gan-fair-lr0.0001-b0.5-Gbnresize-noise-flips-spec1-normnone-realnotfake-n1000-s1": Look(
        False,
        "grey with a fine grid texture and dark specks in short broken diagonal chains, some "
        "dark field-of-view corners; no continuous or branching vessel",
    ),
    # tuning, 1K, lr 1e-4, β1 0.9
    "drive/gan-fair-lr0.0001-b0.9-Gbnresize-noise-flips-spec1-normnone-realnotfake-n1000-s0": Look(
        False,
        "plain grey with a diagonal hatch, dark blotches and dark field-of-view corners, one "
        "bright blotchy patch; no vessel",
    ),
    "drive/gan-fair-lr0.0001-b0.9-Gbnresize-noise-flips-spec1-normnone-realnotfake-n1000-s1": Look(
        False,
        "grey with a fine hatch and clusters of dark specks, a few bright blobs ringed by dark "
        "(disc- or rim-like) and dark field-of-view areas; no continuous or branching vessel",
    ),
    # tuning, 1K, lr 3e-4, β1 0.5
    "drive/gan-fair-lr0.0003-b0.5-Gbnresize-noise-flips-spec1-normnone-realnotfake-n1000-s0": Look(
        True,
        "dark continuous curving vessels of several widths, some branching, on grey with a fine "
        "grain; dark field-of-view edges",
    ),
    "drive/gan-fair-lr0.0003-b0.5-Gbnresize-noise-flips-spec1-normnone-realnotfake-n1000-s1": Look(
        True,
        "dark curving vessels of several widths, several branching, on grey with a fine grain; "
        "dark field-of-view edges and corners",
    ),
    # tuning, 1K, lr 3e-4, β1 0.9
    "drive/gan-fair-lr0.0003-b0.9-Gbnresize-noise-flips-spec1-normnone-realnotfake-n1000-s0": Look(
        False,
        "grey with fine straight streaks, dark field-of-view regions and bright blotches, a few "
        "faint short dark strokes; no continuous or branching vessel",
    ),
    "drive/gan-fair-lr0.0003-b0.9-Gbnresize-noise-flips-spec1-normnone-realnotfake-n1000-s1": Look(
        True,
        "faint thin dark curving lines, a few branching, on grey with a square grid texture; "
        "dark field-of-view corners and a few bright regions",
    ),
    # study cells, 1K (lr 3e-4, β1 0.5, the tuning's choice)
    "drive/gan-fair-lr0.0003-b0.5-Gbnresize-noise-flips-spec1-normnone-realnotfake-n1000-s100": Look(  # noqa: E501
        True,
        "dark continuous curving vessels of several widths, many branching, on grey with a fine "
        "grain; dark field-of-view edges and a few bright regions",
    ),
    "drive/gan-fair-lr0.0003-b0.5-Gbnresize-noise-flips-spec1-normnone-realnotfake-n1000-s101": Look(  # noqa: E501
        True,
        "dark continuous curving vessels, several branching, on smooth grey with a fine grain; "
        "dark field-of-view regions and a few bright ones",
    ),
    "drive/gan-fair-lr0.0003-b0.5-Gbnresize-noise-flips-spec1-normnone-realnotfake-n1000-s102": Look(  # noqa: E501
        True,
        "dark continuous curving vessels of several widths, many branching, on smooth grey with a "
        "fine grain; black field-of-view edges and bright disc-like regions with vessels on them",
    ),
    "drive/gan-fair-lr0.0003-b0.5-Gbnresize-noise-flips-spec1-normnone-realnotfake-n1000-s103": Look(  # noqa: E501
        True,
        "dark continuous curving vessels, thin and wide, several branching, on grey with a "
        "visible fine grid-like grain; black field-of-view edges and a few bright regions",
    ),
    "drive/gan-fair-lr0.0003-b0.5-Gbnresize-noise-flips-spec1-normnone-realnotfake-n1000-s104": Look(  # noqa: E501
        True,
        "dark continuous curving vessels, many branching and some joining into loops, on grey "
        "with a fine grain; bright disc-like regions with dark vessels, one patch of thick dark "
        "vessels on white, a few black field-of-view edges",
    ),
    "drive/gan-fair-lr0.0003-b0.5-Gbnresize-noise-flips-spec1-normnone-realnotfake-n1000-s105": Look(  # noqa: E501
        True,
        "dark continuous curving vessels, several branching, on grey with a fine grain; bright "
        "regions crossed by lines closing into loops like cell outlines, black field-of-view "
        "edges",
    ),
    "drive/gan-fair-lr0.0003-b0.5-Gbnresize-noise-flips-spec1-normnone-realnotfake-n1000-s106": Look(  # noqa: E501
        True,
        "dark continuous curving vessels of several widths, many branching, on grey with a fine "
        "grain; bright disc-like regions with vessels leaving them, black field-of-view edges",
    ),
    "drive/gan-fair-lr0.0003-b0.5-Gbnresize-noise-flips-spec1-normnone-realnotfake-n1000-s107": Look(  # noqa: E501
        True,
        "dark curving vessels, thin and faint in many patches, a few branching, on grey with a "
        "fine grain; bright blotches, some with loop-like outlines, and dark field-of-view edges",
    ),
    # study cells, 3K
    "drive/gan-fair-lr0.0003-b0.5-Gbnresize-noise-flips-spec1-normnone-realnotfake-n3000-s100": Look(  # noqa: E501
        True,
        "dark continuous curving vessels of several widths, many branching and crossing, on grey "
        "with a fine grain; black field-of-view edges and a few bright regions, one with loops",
    ),
    "drive/gan-fair-lr0.0003-b0.5-Gbnresize-noise-flips-spec1-normnone-realnotfake-n3000-s101": Look(  # noqa: E501
        True,
        "dark continuous curving vessels, several branching, some faint, on grey with a fine "
        "grain; black field-of-view edges and a few bright regions with vessels on them",
    ),
    "drive/gan-fair-lr0.0003-b0.5-Gbnresize-noise-flips-spec1-normnone-realnotfake-n3000-s102": Look(  # noqa: E501
        True,
        "dark continuous curving vessels, several branching, on grey with a fine grain; black "
        "field-of-view edges and bright mottled regions crossed by dark vessels",
    ),
    "drive/gan-fair-lr0.0003-b0.5-Gbnresize-noise-flips-spec1-normnone-realnotfake-n3000-s103": Look(  # noqa: E501
        True,
        "dark curving vessels, thin and mostly faint, several branching, some closing into "
        "loops, on grey with a fine grain; black field-of-view edges and a few bright regions",
    ),
    "drive/gan-fair-lr0.0003-b0.5-Gbnresize-noise-flips-spec1-normnone-realnotfake-n3000-s104": Look(  # noqa: E501
        True,
        "dark continuous curving vessels of several widths, many branching, on grey with a fine "
        "grain; black field-of-view edges and a few bright regions",
    ),
    "drive/gan-fair-lr0.0003-b0.5-Gbnresize-noise-flips-spec1-normnone-realnotfake-n3000-s105": Look(  # noqa: E501
        True,
        "dark continuous curving vessels, several branching and crossing, on grey with a fine "
        "grain; black field-of-view edges, bright regions, one with a tangle of dark loops",
    ),
    "drive/gan-fair-lr0.0003-b0.5-Gbnresize-noise-flips-spec1-normnone-realnotfake-n3000-s106": Look(  # noqa: E501
        True,
        "dark curving vessels, mostly thin and faint, a few branching, on grey with a fine grain; "
        "black field-of-view edges and a few bright regions crossed by dark vessels",
    ),
    "drive/gan-fair-lr0.0003-b0.5-Gbnresize-noise-flips-spec1-normnone-realnotfake-n3000-s107": Look(  # noqa: E501
        True,
        "dark curving vessels, thin and faint in most patches, a few branching, on grey with a "
        "fine grain; black field-of-view edges and bright regions, one crossed by a dark tangle",
    ),
    # study cells, 300
    "drive/gan-fair-lr0.0003-b0.5-Gbnresize-noise-flips-spec1-normnone-realnotfake-n300-s100": Look(  # noqa: E501
        False,
        "no vessels: short dark dashes, nearly all at one diagonal angle, on mottled grey with a "
        "coarse speckle; black field-of-view corners in a few patches",
    ),
    "drive/gan-fair-lr0.0003-b0.5-Gbnresize-noise-flips-spec1-normnone-realnotfake-n300-s101": Look(  # noqa: E501
        False,
        "no vessels: short dark dashes at one diagonal angle, as at seed 100, on mottled grey "
        "with faint grid-like marks; dark and bright blotches in the corners",
    ),
    "drive/gan-fair-lr0.0003-b0.5-Gbnresize-noise-flips-spec1-normnone-realnotfake-n300-s102": Look(  # noqa: E501
        False,
        "no vessels: small dark flecks and short dashes, mostly at one diagonal angle, on "
        "mottled grey; black blotches with bright rims at the edges of several patches",
    ),
    "drive/gan-fair-lr0.0003-b0.5-Gbnresize-noise-flips-spec1-normnone-realnotfake-n300-s103": Look(  # noqa: E501
        False,
        "no vessels: mottled grey with dark speckled smudges and a faint grid pattern; large "
        "black and bright cloud-like blotches in a few patches",
    ),
    "drive/gan-fair-lr0.0003-b0.5-Gbnresize-noise-flips-spec1-normnone-realnotfake-n300-s104": Look(  # noqa: E501
        False,
        "no vessels: short dark dashes and spiky flecks at one diagonal angle on pale grey with "
        "a faint grid; a few dark patches with bright cloud-like blotches",
    ),
    "drive/gan-fair-lr0.0003-b0.5-Gbnresize-noise-flips-spec1-normnone-realnotfake-n300-s105": Look(  # noqa: E501
        False,
        "no vessels: faint short dashes at one diagonal angle on mottled grey with a faint grid; "
        "black blotches with jagged edges in many patches",
    ),
    "drive/gan-fair-lr0.0003-b0.5-Gbnresize-noise-flips-spec1-normnone-realnotfake-n300-s106": Look(  # noqa: E501
        False,
        "no vessels: grey with a regular grid pattern and small dark smudges; black regions "
        "with bright cloud-like rims along the top of several patches",
    ),
    "drive/gan-fair-lr0.0003-b0.5-Gbnresize-noise-flips-spec1-normnone-realnotfake-n300-s107": Look(  # noqa: E501
        False,
        "no vessels: short jagged crack-like dark lines, a few forked, on grey with a fine "
        "diagonal grain; black and bright blotches at the edges of several patches",
    ),
    # CHASE_DB1, 1K (the candidate chosen on DRIVE)
    "chase/gan-fair-lr0.0003-b0.5-Gbnresize-noise-flips-spec1-normnone-realnotfake-n1000-s100": Look(  # noqa: E501
        False,
        "no clear vessel: broad blurred dark bands and smears, a few curving, none thin or "
        "branching, on grey with a fine grid texture; bright disc-like blotches, dark corners",
    ),
    "chase/gan-fair-lr0.0003-b0.5-Gbnresize-noise-flips-spec1-normnone-realnotfake-n1000-s101": Look(  # noqa: E501
        True,
        "broad blurred dark curving bands like CHASE_DB1's wide vessels, one forked, on grey "
        "with a fine grid texture; bright blobs ringed by dark (disc-like), dark corners",
    ),
    "chase/gan-fair-lr0.0003-b0.5-Gbnresize-noise-flips-spec1-normnone-realnotfake-n1000-s102": Look(  # noqa: E501
        False,
        "no clear vessel: mostly grey with a coarse grid texture and dark smudges; a few faint "
        "blurred dark curves, one forked; bright and black blotches",
    ),
    "chase/gan-fair-lr0.0003-b0.5-Gbnresize-noise-flips-spec1-normnone-realnotfake-n1000-s103": Look(  # noqa: E501
        False,
        "no clear vessel: blurred dark smears, most along one diagonal, on grey with a coarse "
        "grid texture; bright and black patches",
    ),
    "chase/gan-fair-lr0.0003-b0.5-Gbnresize-noise-flips-spec1-normnone-realnotfake-n1000-s104": Look(  # noqa: E501
        True,
        "dark curving lines, a few branching (clearest on the brighter patches), on grey with a "
        "coarse grid texture; bright disc-like blobs, black corners",
    ),
}

# the exploratory probes of experiment.generator_probes (results/generator/probes), by cell
PROBE_LOOKS: dict[str, Look] = {
    # 1K, paper protocol, lr 2e-4
    "gan-lr0.0002-b0.5-Gbnresize-noise-flips-spec1-normnone-realnotfake-n1000-s0": Look(
        True,
        "grey with short thin dark curved lines, a few branching, fainter and more broken than "
        "at 15K; a few dark field-of-view corners",
    ),
    # 1K, fair protocol, lr 2e-4
    "gan-fair-lr0.0002-b0.5-Gbnresize-noise-flips-spec1-normnone-realnotfake-n1000-s0": Look(
        True,
        "dark curving vessels, several branching, thinner and fewer than at 15K, on grey with a "
        "fine grain; dark field-of-view edges, a few bright blobs",
    ),
    # 1K, fair protocol, lr 2e-4, the real-data term also on the unlabelled pool
    "ssgan-fair-lr0.0002-b0.5-gpaper-Gbnresize-noise-flips-spec1-normnone-realnotfake-n1000-s0": Look(  # noqa: E501
        True,
        "faint thin dark curved lines, a few branching, on grey with a fine grid grain; bright "
        "disc- or rim-like regions against a dark field-of-view outside",
    ),
}
