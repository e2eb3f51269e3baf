"""A person's look at each checked generator's 32 samples
(``results/generator/<name>.samples.png``): are dark, vessel-like lines there, and what is — the
third part of the generator check's pass rule (:mod:`ganseg_lib.evaluate.generator_check`), as
written in ``results/generator/README.md``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Look:
    """A person's look at a run's 32 samples: are dark, vessel-like lines there, and what is."""

    vessels: bool
    what: str


# results/generator/README.md, column "vessels": one look per <name>.samples.png
SAMPLE_LOOKS: dict[str, Look] = {
    "baseline": Look(
        False, "a few near-identical grey textures, some with a dark speck at the centre"
    ),
    "real_not_fake": Look(False, "varied dark blotches on grainy grey"),
    "real_not_fake+lr_g2e-4": Look(False, "near-identical high-contrast speckle"),
    "real_not_fake+g_batchnorm": Look(
        False, "grey tiles with a checkerboard grid and dark corners"
    ),
    "real_not_fake+g_steps2": Look(False, "black and white blobs on one repeated grid layout"),
    "real_not_fake+dc_no_final_norm": Look(False, "low-contrast grey with a diagonal hatch"),
    "real_not_fake+g_width64": Look(
        False, "one speckled black-and-white texture repeated in every sample"
    ),
    "gan-realnotfake-n15000-s1": Look(False, "varied blotches with streaky, grainy texture"),
    "real_not_fake+dcgan": Look(
        True,
        "dark branching vessel-like lines on smooth grey, bright patches with the field of "
        "view's dark edge; a fine grid of dots over every sample",
    ),
    "real_not_fake+dcgan+resize": Look(
        True,
        "dark branching vessels of several widths on smooth grey, bright patches and the field "
        "of view's dark edge; a faint grid texture",
    ),
    "gan-lr0.0002-b0.5-Gbnresize-normnone-realnotfake-n15000-s0": Look(
        True,
        "dark branching vessels on grey, some bright blotchy patches and a field-of-view edge; "
        "a fine grain of vertical streaks",
    ),
    "gan-lr0.0002-b0.5-Gbnresize-normnone-realnotfake-n30000-s0": Look(
        True,
        "dark branching vessels of several widths on smooth grey, bright patches and dark "
        "field-of-view edges; faint vertical streaks",
    ),
    "gan-lr0.0002-b0.5-Gbnresize-normnone-realnotfake-n15000-s1": Look(
        True,
        "dark branching and crossing vessels on grey, a few bright or saturated patches and "
        "dark field-of-view edges; a faint grid texture",
    ),
    "gan-lr0.0002-b0.5-Gbnresize-normnone-realnotfake-n30000-s1": Look(
        True,
        "dark branching vessels forming cells on grey, some bright patches and a dark "
        "field-of-view edge; a faint grid texture",
    ),
    "gan-lr0.0002-b0.5-Gbnresize-normnone-realnotfake-n15000-s2": Look(
        False,
        "bright cobblestone cells with dark seams between them, horizontal bands and dark "
        "field-of-view corners; seams, not branching vessels",
    ),
    "gan-lr0.0002-b0.5-Gbnresize-normnone-realnotfake-n30000-s2": Look(
        True,
        "dark branching vessels on grey, bright patches and dark field-of-view edges; a faint "
        "grid texture",
    ),
    "gan-lr0.0002-b0.5-Gbnresize-normnone-realnotfake-n15000-s3": Look(
        True,
        "dark branching vessels, often closing into cells, on grey; a few bright or fully dark "
        "(outside the field of view) patches",
    ),
    "gan-lr0.0002-b0.5-Gbnresize-normnone-realnotfake-n30000-s3": Look(
        True,
        "dark branching lines, often around bright cells, on grey; several near-blank grey "
        "patches and a grid texture",
    ),
    "gan-lr0.0002-b0.5-Gbnresize-normnone-realnotfake-n15000-s4": Look(
        True,
        "dark branching vessels on grey, bright patches, a few dark field-of-view regions; a "
        "fine grain of vertical streaks",
    ),
    "gan-lr0.0002-b0.5-Gbnresize-normnone-realnotfake-n30000-s4": Look(
        True,
        "dark branching vessels of several widths on grey, bright patches and dark "
        "field-of-view edges; faint vertical streaks",
    ),
    "real_not_fake+dcgan-keep_dc_norm": Look(
        False, "grey tiles with grainy black-and-white blotches on a repeated grid"
    ),
    "real_not_fake+dcgan-keep_lr": Look(
        False,
        "smooth grey backgrounds, some bright or with a dark field-of-view edge, dark blotches "
        "and short streaks but no branching line",
    ),
    "fix+flips": Look(
        True,
        "dark branching vessels of several widths on grey, bright blotches, dark field-of-view "
        "edges and one black patch with a bright disc; a faint grid texture; no dark bottom rows",
    ),
    "fix+flips+pixel_noise": Look(
        True,
        "dark curving vessels on grey, often closing into cells, a few bright or saturated "
        "patches and dark field-of-view corners; a faint grid texture",
    ),
    "fix+flips+bilinear": Look(
        False,
        "one dark zigzag line repeated in most samples, bright blotches and dark corners on "
        "grainy grey: the same line, not varied vessels",
    ),
    "fix+flips+pixel_noise+ema": Look(
        True,
        "dark curving and branching vessels on smoother grey than the last weights give, a few "
        "bright or saturated patches and dark field-of-view corners",
    ),
    "fix+flips+pixel_noise+dc_width32": Look(
        True,
        "dark vessels of several widths, curving and branching, on grainy grey; bright blotches "
        "crossed by vessels and dark field-of-view corners; no grid texture to be seen",
    ),
    "fix+flips+pixel_noise+dc_width32+spectral": Look(
        True,
        "dark vessels of several widths that branch and cross, on grey with a fine grain; bright "
        "blotches and dark field-of-view edges with the vessels running up to them",
    ),
    # the replication's re-run with the working generator (working.json)
    "gan-lr0.0002-b0.5-Gbnresize-noise-flips-spec1-normnone-realnotfake-n15000-s0": Look(
        True,
        "dark curving vessels of several widths, some branching and crossing, on grey with a "
        "fine grain; dark field-of-view edges and one bright blotch crossed by vessels",
    ),
    "gan-lr0.0002-b0.5-Gbnresize-noise-flips-spec1-normnone-realnotfake-n30000-s0": Look(
        True,
        "dark curving vessels of several widths, some branching, on grey; bright blotches (one "
        "near-white) and dark field-of-view edges",
    ),
    "gan-lr0.0002-b0.5-Gbnresize-noise-flips-spec1-normnone-realnotfake-n15000-s1": Look(
        True,
        "dark curving vessels of several widths, some branching, on grey with a fine "
        "grain, a faint grid in a few; bright blotches and dark field-of-view edges",
    ),
    "gan-lr0.0002-b0.5-Gbnresize-noise-flips-spec1-normnone-realnotfake-n30000-s1": Look(
        True,
        "dark curving vessels of several widths, some branching, on grey with a fine "
        "grain, several patches nearly plain; bright blotches with dark outlines and dark"
        " field-of-view edges",
    ),
    "gan-lr0.0002-b0.5-Gbnresize-noise-flips-spec1-normnone-realnotfake-n15000-s2": Look(
        True,
        "dark curving vessels of several widths, some branching, on grey with a fine "
        "grain; bright blotches crossed by dark tangles, dark field-of-view edges",
    ),
    "gan-lr0.0002-b0.5-Gbnresize-noise-flips-spec1-normnone-realnotfake-n30000-s2": Look(
        True,
        "dark curving vessels of several widths, some branching, on grey with a fine "
        "grain, a few patches nearly plain; black field-of-view edges and bright blotches",
    ),
    "gan-lr0.0002-b0.5-Gbnresize-noise-flips-spec1-normnone-realnotfake-n15000-s3": Look(
        True,
        "dark curving vessels of several widths, many branching and crossing, on grey "
        "with a fine grain; dark field-of-view edges, one black corner, few bright "
        "blotches",
    ),
    "gan-lr0.0002-b0.5-Gbnresize-noise-flips-spec1-normnone-realnotfake-n30000-s3": Look(
        True,
        "dark curving vessels of several widths, some branching, on grey with a fine "
        "grain, several patches nearly plain; black field-of-view edges, one bright "
        "blotch",
    ),
    "gan-lr0.0002-b0.5-Gbnresize-noise-flips-spec1-normnone-realnotfake-n15000-s4": Look(
        True,
        "dark curving vessels of several widths, many branching, on grey with a fine "
        "grain; dark field-of-view edges, one black corner and one bright blotch",
    ),
    "gan-lr0.0002-b0.5-Gbnresize-noise-flips-spec1-normnone-realnotfake-n30000-s4": Look(
        True,
        "dark curving vessels of several widths, some branching and crossing, on grey "
        "with a fine grain, a few patches nearly plain; bright blotches and dark field-"
        "of-view edges",
    ),
}
