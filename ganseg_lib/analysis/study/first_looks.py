"""A person's look at the 32 samples of each generator of the first registration of "Fewer
labels", checked after the fact (``results/generator/fewer-labels/<data>/<cell>.samples.png``):
are dark, vessel-like lines there, and what is — the third part of the generator check's pass
rule, as :mod:`ganseg_lib.analysis.study.generator_looks` is for the second registration's and
the probes'. Descriptive: the registration decides nothing by it. Keyed ``"<data>/<cell>"``.
"""

from __future__ import annotations

from ganseg_lib.analysis.replication.sample_looks import Look

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
    "drive/gan-fair-lr0.0003-b0.5-Gbnresize-normnone-realnotfake-n3000-s105": Look(
        True,
        "dark curved lines on grey, branching and closing into loops like cell outlines; a few "
        "bright blobs, two of them against black",
    ),
    "drive/gan-fair-lr0.0003-b0.5-Gbnresize-normnone-realnotfake-n3000-s106": Look(
        True,
        "dark curved lines on grey, some branching, many closing into loops like cell outlines; a"
        " few plain grey samples with a fine grid",
    ),
    "drive/gan-fair-lr0.0003-b0.5-Gbnresize-normnone-realnotfake-n3000-s107": Look(
        True,
        "dark curved lines on grey, branching and closing into loops like cell outlines; bright "
        "shapes against black at a corner, one cracked bright texture, a few plain grey samples",
    ),
    "drive/gan-fair-lr0.0003-b0.5-Gbnresize-normnone-realnotfake-n300-s100": Look(
        False,
        "short broken dark diagonal streaks in the same place in many samples, dark and bright "
        "blotches, a grid and a frame; no vessel",
    ),
    "drive/gan-fair-lr0.0003-b0.5-Gbnresize-normnone-realnotfake-n300-s101": Look(
        False,
        "grey with a square frame and a grid, dark and bright blotches, a dark round spot in a "
        "bright patch in a few; no vessel",
    ),
    "drive/gan-fair-lr0.0003-b0.5-Gbnresize-normnone-realnotfake-n300-s102": Look(
        False,
        "grey with a square frame and a grid, dark and bright blotches, a bright round spot on "
        "black and a dark diagonal band in a few; no vessel",
    ),
    "drive/gan-fair-lr0.0003-b0.5-Gbnresize-normnone-realnotfake-n300-s103": Look(
        False,
        "grey with a square frame and a grid of short embossed diagonal dashes, dark and bright "
        "blotches; no vessel",
    ),
    "drive/gan-fair-lr0.0003-b0.5-Gbnresize-normnone-realnotfake-n300-s104": Look(
        False,
        "grey with a square frame, rows of short diagonal dashes in the same place, bright blobs "
        "on black in a few; no vessel",
    ),
    "drive/gan-fair-lr0.0003-b0.5-Gbnresize-normnone-realnotfake-n300-s105": Look(
        False,
        "grey with a square frame, a faint round shape at the centre, dark smears and bright "
        "streaks in a few; no vessel",
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
    "drive/gan-fair-lr0.0003-b0.5-n3000-s106": Look(
        False,
        "coarse black and white speckle of one kind in every sample, the grain differing from "
        "sample to sample; no vessel",
    ),
    "drive/gan-fair-lr0.0003-b0.5-n3000-s107": Look(
        False,
        "black and white speckle of one kind in every sample, with a faint ring in some, the "
        "grain differing from sample to sample; no vessel",
    ),
    "drive/gan-fair-lr0.0003-b0.5-n300-s100": Look(
        False,
        "one texture repeated in every sample: grey speckle with dark and bright blotches; no "
        "vessel",
    ),
    "drive/gan-fair-lr0.0003-b0.5-n300-s101": Look(
        False,
        "nearly one texture in every sample: grey speckle with dark and bright blotches, a short "
        "dark streak in a few; no vessel",
    ),
    "drive/gan-fair-lr0.0003-b0.5-n300-s102": Look(
        False,
        "one texture repeated in every sample: grey mottle with dark blotches and a faint curved "
        "outline in the same place; no vessel",
    ),
    "drive/gan-fair-lr0.0003-b0.5-n300-s103": Look(
        False,
        "one texture repeated in every sample: fine grey speckle with a grid and a dark cluster "
        "near the centre; no vessel",
    ),
    "drive/gan-fair-lr0.0003-b0.5-n300-s104": Look(
        False,
        "nearly one texture in every sample: grey and white speckle with a dark cluster near the "
        "centre; no vessel",
    ),
    "drive/gan-fair-lr0.0003-b0.5-n300-s105": Look(
        False,
        "nearly one texture in every sample: light grey and white speckle with a dark lattice "
        "cluster near the centre in some; no vessel",
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
    "drive/ssgan-fair-lr0.0003-b0.5-gpaper-w0.5-u10000-Gbnresize-normnone-n3000-s105": Look(
        True,
        "dark curved lines on grey, branching and closing into loops like cell outlines; a few "
        "bright blobs with dark rims and some plain grey samples with a fine grid",
    ),
    "drive/ssgan-fair-lr0.0003-b0.5-gpaper-w0.5-u10000-Gbnresize-normnone-n3000-s106": Look(
        True,
        "dark curved lines on grey, branching and closing into loops like cell outlines; bright "
        "blobs with dark rims, some against black, and plain grey samples with a fine grid",
    ),
    "drive/ssgan-fair-lr0.0003-b0.5-gpaper-w0.5-u10000-Gbnresize-normnone-n3000-s107": Look(
        True,
        "dark curved lines on grey, some branching and closing into loops; bright blobs, one "
        "against black, and many plain grey samples with a fine grid",
    ),
    "drive/ssgan-fair-lr0.0003-b0.5-gpaper-w0.5-u10000-Gbnresize-normnone-n300-s100": Look(
        False,
        "grey with a square frame and a grid, dark and bright blotches, a round dark spot in a "
        "bright patch in a few; no vessel",
    ),
    "drive/ssgan-fair-lr0.0003-b0.5-gpaper-w0.5-u10000-Gbnresize-normnone-n300-s101": Look(
        False,
        "grey with a frame and a fine lattice, dark blotches and clusters of dark specks; no "
        "vessel",
    ),
    "drive/ssgan-fair-lr0.0003-b0.5-gpaper-w0.5-u10000-Gbnresize-normnone-n300-s102": Look(
        False,
        "grey with a square frame and a grid, dark and bright blotches, some samples mostly black"
        " or mostly bright; no vessel",
    ),
    "drive/ssgan-fair-lr0.0003-b0.5-gpaper-w0.5-u10000-Gbnresize-normnone-n300-s103": Look(
        False,
        "grey with a square frame and a grid, a bright spot at the centre of many, dark blotches,"
        " some samples black or bright with dark bars; no vessel",
    ),
    "drive/ssgan-fair-lr0.0003-b0.5-gpaper-w0.5-u10000-Gbnresize-normnone-n300-s104": Look(
        False,
        "grey with nested square frames, short dark and bright dashes and a few dark blocks; no "
        "vessel",
    ),
}
