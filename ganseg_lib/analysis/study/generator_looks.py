"""A person's look at the 32 samples of each checked generator of "Fewer labels": the second
registration's (``results/generator/fewer-labels-passing/<data>/<cell>.samples.png``), the first
registration's, checked after the fact (``results/generator/fewer-labels/…``), and the
exploratory probes'. Are dark, vessel-like lines there, and what is — the third part of the
generator check's pass rule, as :mod:`ganseg_lib.analysis.replication.sample_looks` is for the
training chapter's runs. Keyed ``"<data>/<cell>"``: CHASE_DB1's cells have DRIVE's names.
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

# the first registration's GAN arms, checked after the fact (not registered), by "<data>/<cell>"
FIRST_LOOKS: dict[str, Look] = {
    # gan-fixed at its chosen candidate (lr 3e-4, β1 0.5): tuning, then study cells
    "drive/gan-fair-lr0.0003-b0.5-Gbnresize-normnone-realnotfake-n1000-s0": Look(
        False,
        "grey with mottled dark and bright blotches and clusters of dark specks, some dark or "
        "bright field-of-view-like regions; no continuous or branching vessel",
    ),
    "drive/gan-fair-lr0.0003-b0.5-Gbnresize-normnone-realnotfake-n1000-s1": Look(
        False,
        "grey with a fine diagonal hatch and short dark specks and strokes, a few dark or bright "
        "blobs; no continuous or branching vessel",
    ),
    "drive/gan-fair-lr0.0003-b0.5-Gbnresize-normnone-realnotfake-n1000-s100": Look(
        True,
        "dark curving vessel-like lines, several branching, on grey with a faint grid and a "
        "square frame along the border; a few bright or dark field-of-view regions",
    ),
    "drive/gan-fair-lr0.0003-b0.5-Gbnresize-normnone-realnotfake-n1000-s101": Look(
        False,
        "grey with faint dark mottling and short broken dark streaks, some bright blobs and dark "
        "regions; no continuous or branching vessel",
    ),
    "drive/gan-fair-lr0.0003-b0.5-Gbnresize-normnone-realnotfake-n1000-s102": Look(
        True,
        "faint dark curved lines on grey, a few branching, many closing into small loops; "
        "bright and dark blotches",
    ),
    "drive/gan-fair-lr0.0003-b0.5-Gbnresize-normnone-realnotfake-n1000-s103": Look(
        True,
        "short dark jagged lines, several branching like thin vessels, on grey; bright blotches "
        "with dark outlines and a few black field-of-view corners",
    ),
    "drive/gan-fair-lr0.0003-b0.5-Gbnresize-normnone-realnotfake-n1000-s104": Look(
        False,
        "grey with a fine grid and a square frame, small dark specks and short dark strokes; "
        "black and bright cloud-like blotches; no continuous or branching vessel",
    ),
    "drive/gan-fair-lr0.0003-b0.5-Gbnresize-normnone-realnotfake-n1000-s105": Look(
        False,
        "grey with a fine grid, bright and black cloud-like blotches, short jagged dark streaks "
        "and specks along their edges; no continuous or branching vessel",
    ),
    "drive/gan-fair-lr0.0003-b0.5-Gbnresize-normnone-realnotfake-n1000-s106": Look(
        False,
        "grey with short jagged dark streaks, mostly diagonal, and specks; black cloud-like "
        "blotches at the corners and a few bright ones; no continuous or branching vessel",
    ),
    "drive/gan-fair-lr0.0003-b0.5-Gbnresize-normnone-realnotfake-n1000-s107": Look(
        False,
        "grey with a fine grid, dark specks and short dark streaks, dark and bright cloud-like "
        "blotches; no continuous or branching vessel",
    ),
    "drive/gan-fair-lr0.0003-b0.5-Gbnresize-normnone-realnotfake-n3000-s100": Look(
        True,
        "dark curved lines on grey, some branching and joining into loops, each with a bright "
        "ridge beside it like an embossed crack; a few plain grey samples with a grid and frame",
    ),
    "drive/gan-fair-lr0.0003-b0.5-Gbnresize-normnone-realnotfake-n3000-s101": Look(
        True,
        "dark curved lines on grey, some branching, many closing into loops like cell outlines; "
        "a few bright blobs and plain grey samples",
    ),
    "drive/gan-fair-lr0.0003-b0.5-Gbnresize-normnone-realnotfake-n3000-s102": Look(
        True,
        "dark curved lines on grey, some branching, some closing into loops; bright blobs with a "
        "dark rim against black, and a few cracked bright textures",
    ),
    "drive/gan-fair-lr0.0003-b0.5-Gbnresize-normnone-realnotfake-n3000-s103": Look(
        False,
        "grey with one lattice of dark diagonal lines forming diamond cells in the same place in "
        "many samples, round pale or dark spots, a square frame and a bar at one edge; no vessel",
    ),
    "drive/gan-fair-lr0.0003-b0.5-Gbnresize-normnone-realnotfake-n3000-s104": Look(
        True,
        "thin dark lines on grey, mostly one diagonal in the same place, a few branching; bright "
        "blobs with dark rims and a horizontal dark band in some samples",
    ),
    # gan-study, the study's arm unchanged (lr 3e-4, β1 0.5)
    "drive/gan-fair-lr0.0003-b0.5-n1000-s100": Look(
        False,
        "one texture repeated in every sample: bright specks on black; no vessel",
    ),
    "drive/gan-fair-lr0.0003-b0.5-n1000-s101": Look(
        False,
        "nearly one texture in every sample: black and white blotches with a fine hatch, a few "
        "samples differing; no vessel",
    ),
    "drive/gan-fair-lr0.0003-b0.5-n1000-s102": Look(
        False,
        "one texture repeated in every sample: black and white specks with a grid; no vessel",
    ),
    "drive/gan-fair-lr0.0003-b0.5-n1000-s103": Look(
        False,
        "one texture repeated in every sample: black and white speckle with a grid and a "
        "vignetted border; no vessel",
    ),
    "drive/gan-fair-lr0.0003-b0.5-n1000-s104": Look(
        False,
        "nearly one texture in every sample: black and white speckle with a faint grid and a "
        "vignetted border, the speckle differing from sample to sample; no vessel",
    ),
    "drive/gan-fair-lr0.0003-b0.5-n1000-s105": Look(
        False,
        "nearly one texture in every sample: black and white speckle with a grid and a "
        "brighter border, the grain differing from sample to sample; no vessel",
    ),
    "drive/gan-fair-lr0.0003-b0.5-n1000-s106": Look(
        False,
        "nearly one texture in every sample: grey with a fine speckle and grid, a square frame "
        "and a small dark spot near the centre, some samples darker; no vessel",
    ),
    "drive/gan-fair-lr0.0003-b0.5-n1000-s107": Look(
        False,
        "nearly one texture in every sample: coarse black and white speckle with a grey border, "
        "the grain differing from sample to sample; no vessel",
    ),
    "drive/gan-fair-lr0.0003-b0.5-n3000-s100": Look(
        False,
        "nearly one texture in every sample: black and white speckle, a radial star-like "
        "pattern in some, the grain differing from sample to sample; no vessel",
    ),
    "drive/gan-fair-lr0.0003-b0.5-n3000-s101": Look(
        False,
        "nearly one texture in every sample: black and white speckle with a grid, a coarser "
        "cluster near the centre in some, the grain differing from sample to sample; no vessel",
    ),
    "drive/gan-fair-lr0.0003-b0.5-n3000-s102": Look(
        False,
        "nearly one texture in every sample: black and white speckle with a grid and an oval "
        "ring near the centre, the grain differing from sample to sample; no vessel",
    ),
    "drive/gan-fair-lr0.0003-b0.5-n3000-s103": Look(
        False,
        "nearly one texture in every sample: coarse black and white speckle, the grain differing "
        "from sample to sample; no vessel",
    ),
    "drive/gan-fair-lr0.0003-b0.5-n3000-s104": Look(
        False,
        "one texture repeated in every sample: coarse black and white speckle; no vessel",
    ),
    "drive/gan-fair-lr0.0003-b0.5-n3000-s105": Look(
        False,
        "one texture repeated in every sample: black and white speckle with a grid; no vessel",
    ),
    # gan-joint at its chosen candidate (lr 3e-4, β1 0.5, adversarial weight 0.5)
    "drive/gan-fair-lr0.0003-b0.5-w0.5-Gbnresize-lcjoint-normnone-n1000-s0": Look(
        True,
        "dark curved lines on grey, a few branching, several closing into loops like cell "
        "outlines rather than vessel trees; some bright blotches",
    ),
    "drive/gan-fair-lr0.0003-b0.5-w0.5-Gbnresize-lcjoint-normnone-n1000-s1": Look(
        True,
        "continuous dark curved lines on grey, some branching, many closing into loops like "
        "cell outlines; a few bright blotches",
    ),
    "drive/gan-fair-lr0.0003-b0.5-w0.5-Gbnresize-lcjoint-normnone-n1000-s100": Look(
        True,
        "continuous dark curved lines of several widths on grey, some branching, many closing "
        "into loops like cell outlines; a few bright blotches and dark arcs",
    ),
    "drive/gan-fair-lr0.0003-b0.5-w0.5-Gbnresize-lcjoint-normnone-n1000-s101": Look(
        True,
        "dark curved lines on grey, some branching, several closing into loops like cell "
        "outlines; bright and dark blotches",
    ),
    "drive/gan-fair-lr0.0003-b0.5-w0.5-Gbnresize-lcjoint-normnone-n1000-s102": Look(
        True,
        "dark curved lines on grey, some branching, many closing into loops like cell outlines; "
        "a few bright and dark blotches",
    ),
    "drive/gan-fair-lr0.0003-b0.5-w0.5-Gbnresize-lcjoint-normnone-n1000-s103": Look(
        False,
        "jagged dark broken streaks and chains of specks, mostly diagonal, on grey with a fine "
        "grid; black and bright cloud-like regions; no continuous or branching vessel",
    ),
    "drive/gan-fair-lr0.0003-b0.5-w0.5-Gbnresize-lcjoint-normnone-n1000-s104": Look(
        True,
        "dark curved lines on grey, some branching, many closing into loops like cell outlines; "
        "dark rims around a few bright or black blobs",
    ),
    "drive/gan-fair-lr0.0003-b0.5-w0.5-Gbnresize-lcjoint-normnone-n1000-s105": Look(
        True,
        "dark curved lines on grey, some branching, most closing into loops like cell outlines "
        "around brighter blobs",
    ),
    "drive/gan-fair-lr0.0003-b0.5-w0.5-Gbnresize-lcjoint-normnone-n1000-s106": Look(
        True,
        "dark curved lines on grey, some branching, many closing into loops like cell outlines; "
        "a few straight crossing strokes and dark blotches",
    ),
    "drive/gan-fair-lr0.0003-b0.5-w0.5-Gbnresize-lcjoint-normnone-n1000-s107": Look(
        True,
        "dark curved lines on grey, some branching, many closing into loops like cell outlines "
        "around brighter blobs; a few dark blotches",
    ),
    # ssgan at its chosen candidate (lr 3e-4, β1 0.5, L_G of the paper, weight 0.5, 10K pool)
    "drive/ssgan-fair-lr0.0003-b0.5-gpaper-w0.5-u10000-Gbnresize-normnone-n1000-s0": Look(
        False,
        "grey with short dark broken streaks and specks, a few bright blobs against dark; no "
        "continuous or branching vessel",
    ),
    "drive/ssgan-fair-lr0.0003-b0.5-gpaper-w0.5-u10000-Gbnresize-normnone-n1000-s1": Look(
        False,
        "mostly plain grey with a fine grid, faint dark specks and bright blotches; no vessel",
    ),
    "drive/ssgan-fair-lr0.0003-b0.5-gpaper-w0.5-u10000-Gbnresize-normnone-n1000-s100": Look(
        True,
        "dark curving lines of several widths, some branching, on grey with a fine grain; a "
        "few dark or bright field-of-view regions",
    ),
    "drive/ssgan-fair-lr0.0003-b0.5-gpaper-w0.5-u10000-Gbnresize-normnone-n1000-s101": Look(
        False,
        "grey with a fine grain, dark specks and short broken dark streaks, a few dark or bright "
        "blotches; no continuous or branching vessel",
    ),
    "drive/ssgan-fair-lr0.0003-b0.5-gpaper-w0.5-u10000-Gbnresize-normnone-n1000-s102": Look(
        False,
        "grey with a fine grain, short dark broken strokes and specks, some bright blobs against "
        "dark; no continuous or branching vessel",
    ),
    "drive/ssgan-fair-lr0.0003-b0.5-gpaper-w0.5-u10000-Gbnresize-normnone-n1000-s103": Look(
        False,
        "grey with a fine grain, short dark broken streaks and jagged dark blotches, bright "
        "cloud-like blobs and bright spots on black; no continuous or branching vessel",
    ),
    "drive/ssgan-fair-lr0.0003-b0.5-gpaper-w0.5-u10000-Gbnresize-normnone-n1000-s104": Look(
        True,
        "thin dark curving lines, a few branching, on grey with a fine grid; some bright and "
        "dark blotches",
    ),
    "drive/ssgan-fair-lr0.0003-b0.5-gpaper-w0.5-u10000-Gbnresize-normnone-n1000-s105": Look(
        False,
        "grey with a fine grid and a square frame, short dark horizontal dashes and specks, "
        "bright and black blotches; no continuous or branching vessel",
    ),
    "drive/ssgan-fair-lr0.0003-b0.5-gpaper-w0.5-u10000-Gbnresize-normnone-n1000-s106": Look(
        False,
        "grey with a fine grid, short blurred dark strokes, mostly diagonal, a few longer curved "
        "lines and a ring; bright and black blotches; no branching vessel",
    ),
    "drive/ssgan-fair-lr0.0003-b0.5-gpaper-w0.5-u10000-Gbnresize-normnone-n1000-s107": Look(
        False,
        "grey with a fine grid, blotchy dark streaks and specks, a few dark regions with a bright "
        "edge like a field-of-view border; no continuous or branching vessel",
    ),
    "drive/ssgan-fair-lr0.0003-b0.5-gpaper-w0.5-u10000-Gbnresize-normnone-n3000-s100": Look(
        True,
        "dark curved lines of several widths on grey, some branching, many closing into loops "
        "around bright blobs like cell outlines; a few plain grey samples",
    ),
    "drive/ssgan-fair-lr0.0003-b0.5-gpaper-w0.5-u10000-Gbnresize-normnone-n3000-s101": Look(
        True,
        "dark curved lines on grey, some branching, many closing into loops around bright blobs "
        "like cell outlines; a few plain grey or dark samples",
    ),
    "drive/ssgan-fair-lr0.0003-b0.5-gpaper-w0.5-u10000-Gbnresize-normnone-n3000-s102": Look(
        True,
        "dark curved lines on grey, some branching, many closing into loops like cell outlines; "
        "a few bright blobs and plain grey samples",
    ),
    "drive/ssgan-fair-lr0.0003-b0.5-gpaper-w0.5-u10000-Gbnresize-normnone-n3000-s103": Look(
        True,
        "dark curved lines on grey, some branching, many closing into loops like cell outlines; "
        "a few bright blobs against black like a field-of-view edge",
    ),
    "drive/ssgan-fair-lr0.0003-b0.5-gpaper-w0.5-u10000-Gbnresize-normnone-n3000-s104": Look(
        True,
        "dark curved lines on grey with a fine grid, some branching, several closing into loops "
        "like cell outlines; a few bright blobs and plain grey samples",
    ),
}
