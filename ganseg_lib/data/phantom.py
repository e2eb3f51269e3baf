"""Synthetic fundus photographs with exact vessel ground truth (the project's own phantom).

The paper trains and tests on DRIVE; this module is *not* from the paper. It is the embedded data
source used when DRIVE is absent, so every chapter and test runs offline. Each phantom is drawn
from a small procedural model of a colour fundus photograph:

* **Layout** (lengths in units of the field-of-view radius ``R``): a circular field of view (FOV)
  centred in the frame; the optic disc on the left or right at ``disc_offset * R`` from the
  centre, as in DRIVE's left and right eyes; the macula on the other side of the centre, about
  2.5 disc diameters temporal to the disc.
* **Vessel trees** grow from the disc as polylines of step ``step`` px. Four arcade trunks (an
  artery and a vein above and below) follow arcs around the macula, then run out to the temporal
  periphery; nasal trunks run up and down towards the near edge. The heading wanders smoothly
  (curvature is an Ornstein-Uhlenbeck process: tortuosity) and is pulled gently towards the
  trunk's target direction (around the macula for arcades, the birth heading otherwise). Side
  branches split off at random intervals; the parent keeps Murray's law
  ``w_parent**3 = w_after**3 + w_child**3`` and every vessel tapers linearly, so widths fall from
  about 8-10 px at the disc (``trunk_width``: veins 10, arteries 8) to ``tip_width`` (1 px) at
  the tips. Vessels leave through the FOV edge, or taper to a tip before the avascular fovea and
  the horizontal raphe. Growth runs generation by generation until a per-image budget of
  centreline length (``vessel_length``) is spent, which keeps the amount of vasculature, hence
  the vessel fraction and skeleton length, within DRIVE's range from image to image.
* **Ground truth**: ``vessels`` is exactly the set of pixels whose centre lies inside a vessel
  tube (a capsule of radius ``width / 2`` around each segment), cleared outside the FOV.
* **Image**: an orange-red background with smooth texture, a bright yellowish optic disc with a
  paler cup, a dark macula; vessels absorb light by Beer-Lambert through a cylinder (strongly in
  green, weakly in red), arteries paler than veins and with a central light reflex; then uneven
  illumination (vignetting and a linear gradient), optical blur, sensor noise, and black outside
  the FOV.

The defaults are tuned so that a 584 x 565 phantom matches DRIVE's manual annotations in vessel
fraction inside the FOV (0.09-0.17; DRIVE 0.087-0.168) and skeleton length (5,500-10,800 px).
"""

from __future__ import annotations

import heapq
import math
import numbers
from dataclasses import dataclass, fields

import numpy as np
from scipy import ndimage

from ganseg_lib.data.record import SPLITS, FundusRecord
from ganseg_lib.errors import ConfigError

# FOV radius of a default 584 x 565 phantom: the scale at which the pixel lengths below are given.
_DRIVE_FOV_RADIUS = 0.48 * 565


@dataclass(frozen=True)
class PhantomConfig:
    """Knobs of the phantom; pixel lengths and widths are at DRIVE scale (565 px wide).

    Geometry is relative to the FOV radius, so any frame size works; widths and lengths are
    rescaled by ``fov_radius / (0.48 * 565)``, except ``tip_width``, which stays the 1 px
    resolution limit (small frames therefore keep fewer thin vessels, like a down-sampled photo).
    """

    height: int = 584  # rows, DRIVE
    width: int = 565  # columns, DRIVE
    fov_radius: float = 0.48  # FOV radius as a fraction of min(height, width)
    disc_offset: float = 0.70  # disc centre from the image centre, in FOV radii
    disc_radius: float = 0.15  # optic disc radius in FOV radii (DRIVE: about 40 px)
    macula_offset: float = 0.06  # macula centre on the opposite side of the centre, in FOV radii
    macula_radius: float = 0.13  # Gaussian radius of the dark macula, in FOV radii
    macula_depth: float = 0.35  # fractional darkening at the macula centre
    n_nasal_trunks: int = 4  # trunks towards the near (nasal) edge, besides the 4 arcade trunks
    n_macular_trunks: int = 2  # thin trunks from the disc straight towards the macula
    trunk_width: float = 10.0  # vein width at the disc, px (arteries start at 0.8 of this)
    tip_width: float = 1.0  # narrowest drawn vessel, px; vessels end when they taper below it
    taper_rate: float = 0.0045  # width lost per px of length (dimensionless): linear taper
    branch_spacing: float = 70.0  # mean distance between side branches, px
    tortuosity: float = 0.022  # standard deviation of the heading's curvature, rad / px
    step: float = 2.0  # polyline step, px
    vessel_length: float = 10000.0  # centreline budget inside the FOV, px (x 0.8-1.1 per image)
    vessel_contrast: float = 1.0  # optical density of a wide vein in the green channel
    noise_std: float = 2.0  # sensor noise, uint8 grey levels
    vignetting: float = 0.45  # fractional darkening at the FOV edge
    illumination_gradient: float = 0.12  # amplitude of the random linear illumination gradient
    blur_sigma: float = 0.7  # optical blur, px

    def __post_init__(self) -> None:
        _validate_config(self)


def _validate_config(cfg: PhantomConfig) -> None:
    """Raise :class:`ConfigError` (a ValueError) naming the first parameter out of range."""
    limits: dict[str, tuple[float, float]] = {
        "height": (64, 8192),
        "width": (64, 8192),
        "fov_radius": (0.2, 0.5),
        "disc_offset": (0.3, 0.85),
        "disc_radius": (0.03, 0.3),
        "macula_offset": (-0.3, 0.5),
        "macula_radius": (0.02, 0.4),
        "macula_depth": (0.0, 0.9),
        "n_nasal_trunks": (0, 8),
        "n_macular_trunks": (0, 8),
        "trunk_width": (1.0, 40.0),
        "tip_width": (0.5, 5.0),
        "taper_rate": (0.0, 0.5),
        "branch_spacing": (2.0, 1e5),
        "tortuosity": (0.0, 0.2),
        "step": (0.5, 10.0),
        "vessel_length": (0.0, 1e6),
        "vessel_contrast": (0.0, 5.0),
        "noise_std": (0.0, 50.0),
        "vignetting": (0.0, 0.9),
        "illumination_gradient": (0.0, 0.5),
        "blur_sigma": (0.0, 5.0),
    }
    for f in fields(cfg):
        value = getattr(cfg, f.name)
        integral = f.type in ("int", int)
        kind, noun = (numbers.Integral, "an integer") if integral else (numbers.Real, "a number")
        if isinstance(value, bool) or not isinstance(value, kind):
            raise ConfigError(f"PhantomConfig.{f.name} must be {noun}, got {value!r}")
        lo, hi = limits[f.name]
        if not lo <= value <= hi:  # also rejects NaN
            raise ConfigError(f"PhantomConfig.{f.name} must be in [{lo}, {hi}], got {value!r}")
    if cfg.trunk_width < cfg.tip_width:
        raise ConfigError(
            f"PhantomConfig.trunk_width ({cfg.trunk_width}) must be >= tip_width ({cfg.tip_width})"
        )


@dataclass(frozen=True)
class _Layout:
    """Per-image anatomy in pixel coordinates (x = column, y = row)."""

    cx: float
    cy: float
    radius: float  # FOV radius, px
    scale: float  # radius relative to DRIVE's, for pixel lengths in the config
    side: int  # +1: disc right of centre, -1: left; temporal direction is -side
    disc_x: float
    disc_y: float
    disc_r: float
    mac_x: float
    mac_y: float


def _layout(rng: np.random.Generator, cfg: PhantomConfig) -> _Layout:
    """Draw this image's eye side, disc and macula positions."""
    h, w = cfg.height, cfg.width
    radius = cfg.fov_radius * min(h, w)
    cx, cy = (w - 1) / 2, (h - 1) / 2
    side = 1 if rng.random() < 0.5 else -1  # DRIVE has both left and right eyes
    disc_dy = rng.uniform(-0.08, 0.08) * radius
    # The macula lies slightly below the disc in most eyes.
    mac_dy = disc_dy + rng.uniform(0.0, 0.1) * radius
    return _Layout(
        cx=cx,
        cy=cy,
        radius=radius,
        scale=radius / _DRIVE_FOV_RADIUS,
        side=side,
        disc_x=cx + side * cfg.disc_offset * radius * rng.uniform(0.95, 1.05),
        disc_y=cy + disc_dy,
        disc_r=cfg.disc_radius * radius * rng.uniform(0.9, 1.1),
        mac_x=cx - side * cfg.macula_offset * radius,
        mac_y=cy + mac_dy,
    )


# --- vessel trees ------------------------------------------------------------------------------

_ARC, _FREE = 0, 1  # steering modes: follow the macular arcade, or keep a heading


@dataclass
class _Tip:
    """A growing vessel end."""

    x: float
    y: float
    angle: float  # heading, rad; (cos, sin) in (x, y) image coordinates
    width: float
    mode: int
    sense: int  # +1/-1: direction of travel around the macula in _ARC mode
    hemi: int  # -1 superior, +1 inferior, 0 undecided: vessels do not cross the temporal raphe
    artery: bool
    depth: int


def _wrap(a: float) -> float:
    return (a + math.pi) % (2 * math.pi) - math.pi


def _trunks(rng: np.random.Generator, lay: _Layout, cfg: PhantomConfig) -> list[_Tip]:
    """Initial trunks leaving the disc: four arcade vessels and the nasal ones."""
    s = lay.scale
    tips = []
    temporal = 0.0 if lay.side < 0 else math.pi  # heading towards the macula
    for hemi in (-1, 1):  # superior (up, -y), inferior (down, +y)
        for artery in (False, True):
            tilt = math.radians(rng.uniform(5, 25))  # leave the disc leaning temporally
            angle = hemi * (math.pi / 2 + lay.side * tilt)
            # Sense of travel around the macula: the sign of the cross product (disc - mac) x dir.
            rx, ry = lay.disc_x - lay.mac_x, lay.disc_y - lay.mac_y
            sense = 1 if rx * math.sin(angle) - ry * math.cos(angle) > 0 else -1
            width = cfg.trunk_width * s * (0.8 if artery else 1.0) * rng.uniform(0.9, 1.1)
            tips.append(_start(rng, lay, angle, width, _ARC, sense, hemi, artery))
    nasal = math.pi - temporal
    for k in range(cfg.n_nasal_trunks):
        hemi = -1 if k % 2 == 0 else 1
        # The first two leave steeply up and down, the others nearly horizontally.
        spread = math.radians(rng.uniform(40, 80) if k < 2 else rng.uniform(5, 35))
        angle = nasal + lay.side * hemi * spread
        width = cfg.trunk_width * s * (rng.uniform(0.5, 0.7) if k < 2 else rng.uniform(0.3, 0.45))
        tips.append(_start(rng, lay, angle, width, _FREE, 1, 0, bool(k % 2)))
    for k in range(cfg.n_macular_trunks):
        # Small papillomacular vessels run straight from the disc towards the macula.
        hemi = -1 if k % 2 == 0 else 1
        angle = temporal - lay.side * hemi * math.radians(rng.uniform(5, 25))
        width = cfg.trunk_width * s * rng.uniform(0.25, 0.35)
        tips.append(_start(rng, lay, angle, width, _FREE, 1, hemi, bool(k % 2)))
    return tips


def _start(
    rng: np.random.Generator,
    lay: _Layout,
    angle: float,
    width: float,
    mode: int,
    sense: int,
    hemi: int,
    artery: bool,
) -> _Tip:
    # Trunks emerge spread over the central third of the disc, not from one point.
    r = lay.disc_r * 0.3 * math.sqrt(rng.random())
    phi = rng.uniform(0, 2 * math.pi)
    x, y = lay.disc_x + r * math.cos(phi), lay.disc_y + r * math.sin(phi)
    return _Tip(x, y, angle, width, mode, sense, hemi, artery, 0)


def _grow(rng: np.random.Generator, lay: _Layout, cfg: PhantomConfig) -> np.ndarray:
    """Grow all trees; return segments as an (N, 6) array ``x0, y0, x1, y1, width, artery``.

    Vessels grow generation by generation (random order within one) until the centreline inside
    the FOV reaches this image's length budget, so the budget trims the finest generation evenly
    over the fundus instead of dropping whole trees.
    """
    s = lay.scale
    ds = cfg.step
    shrink = cfg.taper_rate * ds
    kappa_keep = math.exp(-ds / (25.0 * s))  # curvature correlation length 25 px: smooth wander
    kappa_kick = cfg.tortuosity / s * math.sqrt(1 - kappa_keep**2)
    gain = 0.03 / s  # pull towards the target heading, per px
    arc_r = 0.5 * lay.radius  # arcades converge to this radius around the macula
    fov_r2 = lay.radius**2
    edge_r2 = (lay.radius + 2 * ds) ** 2
    end_width = cfg.tip_width
    end_steps = max(2, round(16 * s))
    margin = end_steps * ds  # start ending this far before the raphe or the fovea
    fovea_r2 = (0.15 * lay.radius + margin) ** 2  # avascular zone plus the ending margin
    taper_end = 0.0
    budget = cfg.vessel_length * s * rng.uniform(0.8, 1.1)
    length = 0.0
    segments: list[tuple[float, float, float, float, float, float]] = []
    queue = [(0, rng.random(), k, tip) for k, tip in enumerate(_trunks(rng, lay, cfg))]
    heapq.heapify(queue)
    count = len(queue)
    while queue and length < budget:
        tip = heapq.heappop(queue)[3]
        x, y, angle, w = tip.x, tip.y, tip.angle, tip.width
        mode = tip.mode
        heading = angle  # free vessels keep their birth direction, so branches spread out
        ending = 0  # steps left once the vessel must end; it tapers to a tip instead of a stump
        kappa = 0.0
        travelled = 0.0
        next_branch = rng.exponential(cfg.branch_spacing * s)
        for normal in rng.standard_normal(4096):
            # Wide vessels wander less than capillary-sized ones.
            kappa = kappa_keep * kappa + kappa_kick * normal * 2.0 / (1.0 + w / (2.0 * s))
            ux, uy = x - lay.mac_x, y - lay.mac_y
            rho = math.hypot(ux, uy) + 1e-9
            if mode == _ARC:
                # Tangent around the macula plus a radial pull towards the arcade radius.
                tx, ty = -uy / rho * tip.sense, ux / rho * tip.sense
                pull = 2.0 * (arc_r - rho) / lay.radius
                target = math.atan2(ty + pull * uy / rho, tx + pull * ux / rho)
                # Past the macula the arcade turns into temporal branches.
                if lay.side * (x - lay.mac_x) < -0.25 * lay.radius:
                    mode, heading = _FREE, angle
            else:
                target = heading
            angle += kappa * ds + gain * ds * _wrap(target - angle)
            nx, ny = x + ds * math.cos(angle), y + ds * math.sin(angle)
            segments.append((x, y, nx, ny, max(w, cfg.tip_width), float(tip.artery)))
            x, y = nx, ny
            if (x - lay.cx) ** 2 + (y - lay.cy) ** 2 <= fov_r2:
                length += ds
            if ending:
                w = max(w - taper_end, cfg.tip_width)
                ending -= 1
                if ending == 0:
                    break
            else:
                # Vessels thin out faster as they approach the fovea.
                w -= shrink * (1 + 3 * max(0.0, (0.45 * lay.radius - rho) / (0.3 * lay.radius)))
            travelled += ds
            if travelled >= next_branch and not ending:
                # Mostly thin side branches, sometimes a near-symmetric bifurcation.
                # Arcade trunks keep their course: only their side branches are allowed to fork.
                fork = mode != _ARC and rng.random() < 0.2
                ratio = rng.uniform(0.7, 0.95) if fork else rng.uniform(0.5, 0.85)
                wc = w * ratio
                if wc >= cfg.tip_width:
                    w = (w**3 - wc**3) ** (1 / 3)  # Murray's law
                    turn = math.radians(rng.uniform(30, 75)) * (1 if rng.random() < 0.5 else -1)
                    child = _Tip(
                        x, y, angle + turn, wc, _FREE, 1, tip.hemi, tip.artery, tip.depth + 1
                    )
                    heapq.heappush(queue, (child.depth, rng.random(), count, child))
                    count += 1
                # Wide vessels branch at the nominal spacing, thin ones more sparsely.
                spacing = cfg.branch_spacing * s * (1 + 2.0 / max(w, 1.0))
                next_branch = travelled + rng.exponential(spacing)
            if w < end_width or (x - lay.cx) ** 2 + (y - lay.cy) ** 2 > edge_r2:
                break
            # Approaching the avascular fovea or the temporal raphe, or out of length budget.
            temporal_side = lay.side * (x - lay.mac_x) < 0
            near_raphe = temporal_side and tip.hemi * (y - lay.mac_y) < margin
            if not ending and (
                ux * ux + uy * uy < fovea_r2 or (tip.hemi and near_raphe) or length >= budget
            ):
                ending = end_steps
                taper_end = (w - cfg.tip_width) / end_steps
    return np.asarray(segments, dtype=np.float64).reshape(-1, 6)


# --- rasterisation -----------------------------------------------------------------------------


def _rasterize(
    segments: np.ndarray, shape: tuple[int, int], cfg: PhantomConfig
) -> tuple[np.ndarray, np.ndarray]:
    """Return the vessel mask and the green-channel optical density of the vessels.

    Each segment is a capsule; work is vectorised over segments with a fixed-size pixel window
    per chunk (segments sorted by width so that thin ones get small windows).
    """
    h, w = shape
    mask = np.zeros(h * w, dtype=bool)
    density = np.zeros(h * w, dtype=np.float64)
    if len(segments) == 0:
        return mask.reshape(shape), density.reshape(shape)
    order = np.argsort(segments[:, 4])
    segs = segments[order]
    chunk = 1024
    for start in range(0, len(segs), chunk):
        part = segs[start : start + chunk]
        x0, y0, x1, y1, width, artery = (part[:, k] for k in range(6))
        radius = width / 2
        reach = radius + 1.0  # the image profile is softened over one extra pixel
        left = np.floor(np.minimum(x0, x1) - reach).astype(np.int64)
        top = np.floor(np.minimum(y0, y1) - reach).astype(np.int64)
        span = np.maximum(np.abs(x1 - x0), np.abs(y1 - y0)) + 2 * reach
        k = int(np.ceil(span.max())) + 2
        off = np.arange(k)
        px = (left[:, None, None] + off[None, None, :]).astype(np.float64)
        py = (top[:, None, None] + off[None, :, None]).astype(np.float64)
        dx, dy = (x1 - x0)[:, None, None], (y1 - y0)[:, None, None]
        len2 = np.maximum(dx * dx + dy * dy, 1e-12)
        t = np.clip(((px - x0[:, None, None]) * dx + (py - y0[:, None, None]) * dy) / len2, 0, 1)
        d2 = (px - x0[:, None, None] - t * dx) ** 2 + (py - y0[:, None, None] - t * dy) ** 2
        r = radius[:, None, None]
        re = r + 0.5
        # Beer-Lambert through a cylinder: density ~ chord length, saturating with width.
        chord = np.sqrt(np.clip(1 - d2 / (re * re), 0, None))
        strength = cfg.vessel_contrast * (1 - np.exp(-width / 2.5)) * np.where(artery > 0, 0.7, 1)
        profile = strength[:, None, None] * chord
        # Central light reflex on wide arteries.
        reflex = np.where((artery > 0) & (radius >= 2.0), 0.35, 0.0)[:, None, None]
        profile *= 1 - reflex * np.exp(-d2 / (0.3 * r) ** 2)
        ix = np.broadcast_to(px, d2.shape).astype(np.int64)
        iy = np.broadcast_to(py, d2.shape).astype(np.int64)
        inside = (ix >= 0) & (ix < w) & (iy >= 0) & (iy < h)
        flat = iy * w + ix
        on = inside & (d2 <= r * r)
        mask[flat[on]] = True
        soft = inside & (profile > 0)
        np.maximum.at(density, flat[soft], profile[soft])
    return mask.reshape(shape), density.reshape(shape)


# --- background and image ----------------------------------------------------------------------


def _smooth_noise(rng: np.random.Generator, shape: tuple[int, int], cells: int) -> np.ndarray:
    """Smooth zero-mean random field of standard deviation about 1, ``cells`` bumps per axis.

    Random weights on a ``cells`` x ``cells`` grid of Gaussian bumps; the Gaussian is separable,
    so the field is two small matrix products instead of a full-frame filter.
    """

    def basis(n: int) -> np.ndarray:
        spacing = n / cells
        centres = (np.arange(cells) + 0.5) * spacing
        b = np.exp(-0.5 * ((np.arange(n)[:, None] - centres[None, :]) / spacing) ** 2)
        # Bumps one spacing wide overlap: sum b**2 = sqrt(pi) per point, hence unit variance.
        return (b / math.pi**0.25).astype(np.float32)

    weights = rng.standard_normal((cells, cells), dtype=np.float32)
    return basis(shape[0]) @ weights @ basis(shape[1]).T


def _render(
    rng: np.random.Generator,
    lay: _Layout,
    cfg: PhantomConfig,
    density: np.ndarray,
    fov: np.ndarray,
) -> np.ndarray:
    """Colour image: background, disc and macula, vessel absorption, illumination, blur, noise."""
    h, w = cfg.height, cfg.width
    f32 = np.float32
    yy = np.arange(h, dtype=f32)[:, None]
    xx = np.arange(w, dtype=f32)[None, :]
    base = np.array([0.80, 0.36, 0.14]) * rng.uniform(0.92, 1.08, size=3)
    texture = 1 + 0.025 * _smooth_noise(rng, (h, w), 6) + 0.012 * _smooth_noise(rng, (h, w), 40)

    # Dark macula: macular pigment absorbs green and blue more than red.
    d2_mac = ((xx - lay.mac_x) ** 2 + (yy - lay.mac_y) ** 2) / (cfg.macula_radius * lay.radius) ** 2
    macula = cfg.macula_depth * rng.uniform(0.8, 1.2) * np.exp(-d2_mac / 2)

    # Optic disc: flat-topped bright yellow disc, a paler cup and a faint peripapillary glow.
    d2_disc = ((xx - lay.disc_x) ** 2 + (yy - lay.disc_y) ** 2) / lay.disc_r**2
    glow = 0.25 * np.exp(-d2_disc / 4)
    disc = np.exp(-(d2_disc**4))
    disc_colour = np.array([1.0, 0.78, 0.42]) * rng.uniform(0.92, 1.05)
    # The cup sits off the disc centre; which side matters little at this resolution.
    cup_x = lay.disc_x - lay.side * 0.15 * lay.disc_r
    d2_cup = ((xx - cup_x) ** 2 + (yy - lay.disc_y) ** 2) / (0.5 * lay.disc_r) ** 2
    cup = 0.8 * np.exp(-(d2_cup**2))
    cup_colour = np.array([1.0, 0.9, 0.7])

    # Uneven illumination: vignetting towards the FOV edge and a random linear gradient.
    rho = np.sqrt((xx - lay.cx) ** 2 + (yy - lay.cy) ** 2) / lay.radius
    phi = rng.uniform(0, 2 * math.pi)
    ramp = ((xx - lay.cx) * math.cos(phi) + (yy - lay.cy) * math.sin(phi)) / lay.radius
    vig = cfg.vignetting * rng.uniform(0.8, 1.2)
    illum = np.clip(
        (1 - vig * np.minimum(rho, 1) ** 3) * (1 + cfg.illumination_gradient * ramp), 0.1, None
    )

    # Per channel: macula weight, glow weight, vessel absorption (red little, green most).
    weights = ((0.6, 0.3, 0.35), (1.0, 0.6, 1.0), (1.0, 0.6, 0.7))
    rgb = np.empty((h, w, 3), dtype=f32)
    for c, (mac_w, glow_w, absorb) in enumerate(weights):
        chan = base[c] * texture * (1 - mac_w * macula) * (1 + glow_w * glow)
        chan = chan * (1 - disc) + disc_colour[c] * disc
        chan = chan * (1 - cup) + cup_colour[c] * cup
        chan = chan * np.exp(-absorb * density.astype(f32)) * illum
        if cfg.blur_sigma > 0:
            chan = ndimage.gaussian_filter(chan, sigma=cfg.blur_sigma)
        noise = rng.standard_normal((h, w), dtype=f32)
        rgb[:, :, c] = chan * 255 + cfg.noise_std * noise
    rgb[~fov] = 0  # DRIVE is black outside the FOV
    return np.clip(np.rint(rgb), 0, 255).astype(np.uint8)


# --- public API --------------------------------------------------------------------------------


def _rng(seed: int, split: str, index: int) -> np.random.Generator:
    if split not in SPLITS:
        raise ConfigError(f"split must be one of {SPLITS}, got {split!r}")
    if not (isinstance(seed, (int, np.integer)) and seed >= 0):
        raise ConfigError(f"seed must be a non-negative int, got {seed!r}")
    if not (isinstance(index, (int, np.integer)) and index >= 0):
        raise ConfigError(f"index must be a non-negative int, got {index!r}")
    # The split is part of the seed, so training and test phantoms are different images.
    return np.random.default_rng(
        np.random.SeedSequence([int(seed), SPLITS.index(split), int(index)])
    )


def make_phantom(
    seed: int, split: str = "training", index: int = 0, config: PhantomConfig = PhantomConfig()
) -> FundusRecord:
    """One synthetic fundus image, deterministic in ``(seed, split, index, config)``.

    The ``image_id`` is ``"phantom-<split>-<index:03d>"``; see the module docstring for the model.
    Raises :class:`ConfigError` (a ValueError) for an unknown split or a negative seed or index.
    """
    rng = _rng(seed, split, index)
    lay = _layout(rng, config)
    segments = _grow(rng, lay, config)
    shape = (config.height, config.width)
    yy, xx = np.ogrid[0 : config.height, 0 : config.width]
    fov = (xx - lay.cx) ** 2 + (yy - lay.cy) ** 2 <= lay.radius**2
    vessels, density = _rasterize(segments, shape, config)
    vessels &= fov
    rgb = _render(rng, lay, config, density, fov)
    return FundusRecord(f"phantom-{split}-{index:03d}", split, rgb, vessels, fov)


def load_phantom(
    split: str, n_images: int = 20, seed: int = 0, config: PhantomConfig = PhantomConfig()
) -> list[FundusRecord]:
    """``n_images`` phantoms of one split (DRIVE has 20 training and 20 test images)."""
    if not (isinstance(n_images, (int, np.integer)) and n_images >= 0):
        raise ConfigError(f"n_images must be a non-negative int, got {n_images!r}")
    return [make_phantom(seed, split, i, config) for i in range(n_images)]
