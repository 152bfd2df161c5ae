"""Do generated road legs stay on land? A geodesic test against a shipped coastline.

The land is Natural Earth's 1:50m land polygon (public domain), clipped to Europe
(``logistics/defaults/land-europe-50m.geojson``). Every stretch of a leg's course that
is not along a declared link (:class:`~logistics.network.roads.RoadLeg`) is a great
circle; it is drawn in a gnomonic projection, where great circles are straight lines,
and cut by the land polygons in one vectorised shapely call (only the stretches that
leave the land grown by ``MAX_WATER_KM / 2``: the others cross bridged water only).
The water on the way is then judged:

- a stretch of water up to :data:`MAX_WATER_KM`, or never farther than half of it
  from land, is bridged: estuaries, fjords, the coastline's own error at 1:50m, short
  fixed links (the Great Belt and Oresund bridges are 16-18 km over water) and island
  chains;
- past a longer stretch the van must go round by land: from the coast where it left
  the land, round the coast to where the course comes back to the same coast (past
  any islands on the way), and on. A course is a sea crossing when that way round is
  more than :data:`MAX_DETOUR` times the straight course, or does not exist (an
  island, Great Britain, Zealand).

So the Gulf of Finland and the Gulf of Bothnia, round which Helsinki and Stockholm are
joined by land through Lapland, are crossings; the Gulf of Lion between Barcelona and
Marseille (1.3 times: the road hugs the coast and the circuity factor covers most of
it) is not. Measured on the European sites: with Scandinavia, Finland and the
continent in one zone the Baltic, Kattegat and Skagerrak legs come out at 2 to 10
times and are refused; the default bundle's worst leg is 1.6 times (Tallinn -
Swinoujscie, along the Baltic states' coast). A leg only partly over a gulf (most of
its course on land) is diluted toward 1 and passes: the check catches courses that
are mostly sea, not every leg whose road estimate is a little short.

Stretches with an end outside the clipped land (south of 34 N, north of 72 N, west of
25 W or east of 45 E) are not judged.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files

import numpy as np
import shapely
from pyproj import Geod, Transformer

from logistics.network.roads import RoadLeg

MAX_WATER_KM = 20.0
MAX_DETOUR = 2.0
_SNAP_M = 25_000.0  # a shore this far from the grown coast (a site out at sea): not judged
_BOUNDS = (-25.0, 34.0, 45.0, 72.0)  # lon, lat of the clipped land
_GNOMONIC = "+proj=gnom +lat_0=54 +lon_0=15 +R=6371000 +units=m"
_GEOD = Geod(ellps="WGS84")


@dataclass(frozen=True, slots=True)
class SeaCrossing:
    """A generated leg whose course crosses the sea.

    ``water_km`` is the longest stretch of water on the course; ``by_land_km`` the
    length of the course the way round by the coast (None when there is no way round:
    an island).
    """

    lane_id: str
    from_site: str
    to_site: str
    zones: tuple[str, str]
    water_km: float
    by_land_km: float | None


@dataclass(frozen=True, slots=True)
class _Coasts:
    """The coasts (rings) of the land grown by some distance, for the way round,
    as segments: a point's nearest segment gives its ring and its place along it."""

    segments: shapely.STRtree  # every segment of every ring
    ring: np.ndarray  # per segment: its ring
    start: np.ndarray  # per segment: its first point (gnomonic x, y)
    end: np.ndarray  # per segment: its last point
    at_km: np.ndarray  # per segment: geodesic km along its ring at its first point
    km: np.ndarray  # per segment: its geodesic length
    ring_km: np.ndarray  # per ring: its geodesic length

    def place(self, points: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(ring, km along it, distance in m) of the coast nearest each point."""
        (which, seg), dist = self.segments.query_nearest(
            shapely.points(points), return_distance=True, all_matches=False
        )
        order = np.argsort(which)
        seg, dist = seg[order], dist[order]
        a, b = self.start[seg], self.end[seg]
        ab = b - a
        t = np.einsum("ij,ij->i", points - a, ab) / np.maximum(np.einsum("ij,ij->i", ab, ab), 1e-9)
        return self.ring[seg], self.at_km[seg] + np.clip(t, 0.0, 1.0) * self.km[seg], dist

    def along(self, ring: int, a_km: float, b_km: float) -> float:
        """km between two places on one ring, the short way round."""
        gap = abs(a_km - b_km)
        return min(gap, float(self.ring_km[ring]) - gap)


@dataclass(frozen=True, slots=True)
class _Land:
    land: shapely.MultiPolygon  # gnomonic metres, prepared
    grown: shapely.MultiPolygon  # the land grown by MAX_WATER_KM / 2, prepared
    coasts: tuple[_Coasts, ...]
    fwd: Transformer
    inv: Transformer


def _coasts(land: shapely.MultiPolygon, grow_m: float, inv: Transformer) -> _Coasts:
    rings = []
    for mass in shapely.get_parts(shapely.buffer(land, grow_m, quad_segs=2)):
        rings.append(mass.exterior)
        rings.extend(mass.interiors)
    xy, index = shapely.get_coordinates(rings, return_index=True)
    same = index[:-1] == index[1:]  # consecutive points of one ring: a segment
    start, end, ring = xy[:-1][same], xy[1:][same], index[:-1][same]
    lon, lat = inv.transform(xy[:, 0], xy[:, 1])
    _, _, metres = _GEOD.inv(lon[:-1], lat[:-1], lon[1:], lat[1:])
    km = (np.asarray(metres) / 1000.0)[same]
    total = np.bincount(ring, weights=km, minlength=len(rings))
    before = np.concatenate([[0.0], np.cumsum(km)[:-1]])
    first = np.concatenate([[0], np.flatnonzero(np.diff(ring)) + 1])
    at_km = before - np.repeat(before[first], np.diff(np.append(first, len(ring))))
    tree = shapely.STRtree(shapely.linestrings(np.stack([start, end], axis=1)))
    return _Coasts(tree, ring, start, end, at_km, km, total)


@lru_cache(maxsize=1)
def _load() -> _Land:
    """The shipped land in the gnomonic plane, and its coasts for the way round.

    The way round follows the coast of the land grown a little, twice: by 2.5 km, so
    that land masses a few km apart (Anglesey and Wales, Funen and Jutland, Zealand
    and Sweden at Helsingor) are one and narrow estuaries close while the wider
    straits stay open (the Baltic stays one sea with the North Sea, its coasts one
    ring); and by :data:`MAX_WATER_KM` / 2, which closes the estuaries and island
    chains of a low coast (Zeeland, the Wadden Sea) and the Danish straits (the Baltic
    becomes a hole whose ring is its coast). The shorter of the two ways round
    counts. Water never farther than ``MAX_WATER_KM / 2`` from land is crossed as if
    bridged.
    """
    path = files("logistics") / "defaults" / "land-europe-50m.geojson"
    feature = json.loads(path.read_text(encoding="utf-8"))["features"][0]
    lonlat = shapely.from_geojson(json.dumps(feature["geometry"]))
    fwd = Transformer.from_crs("EPSG:4326", _GNOMONIC, always_xy=True)
    inv = Transformer.from_crs(_GNOMONIC, "EPSG:4326", always_xy=True)
    land = shapely.transform(lonlat, lambda xy: np.column_stack(fwd.transform(xy[:, 0], xy[:, 1])))
    shapely.prepare(land)
    grown = shapely.buffer(land, MAX_WATER_KM * 500.0, quad_segs=2)
    shapely.prepare(grown)
    coasts = (_coasts(land, 2_500.0, inv), _coasts(land, MAX_WATER_KM * 500.0, inv))
    return _Land(land, grown, coasts, fwd, inv)


def _km(land: _Land, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Geodesic km between gnomonic points (rows of x, y)."""
    lon_a, lat_a = land.inv.transform(a[:, 0], a[:, 1])
    lon_b, lat_b = land.inv.transform(b[:, 0], b[:, 1])
    _, _, metres = _GEOD.inv(lon_a, lat_a, lon_b, lat_b)
    return np.asarray(metres, dtype=float) / 1000.0


def _by_land(
    land: _Land,
    line: shapely.LineString,
    w_start: np.ndarray,
    w_end: np.ndarray,
    w_km: np.ndarray,
    w_bridged: np.ndarray,
) -> tuple[float, float] | None:
    """(straight km, km by land) of one straight stretch, given its water parts.

    The land between the water parts is cut into pieces, each on one land mass. By land
    a van drives along a piece, over a short water part (a bridge) to the next piece,
    or round the coast from the end of a piece to a later piece on the same land mass
    (round a bay, past an island on the way). inf when no such way exists; None when
    the stretch starts or ends too far out at sea to say.
    """
    ends = shapely.get_coordinates(line)
    # water parts in order along the line
    order = np.argsort(shapely.line_locate_point(line, shapely.points(w_start)))
    w_start, w_end, w_km, w_bridged = w_start[order], w_end[order], w_km[order], w_bridged[order]
    # land pieces: from the line's start to the first water, between waters, to the end
    p_from = np.vstack([ends[:1], w_end])
    p_to = np.vstack([w_start, ends[1:]])
    piece_km = _km(land, p_from, p_to)
    # the coast each piece leaves the water by (its end) and reaches it by (its start)
    n = len(p_from)
    by_land = np.inf
    for coasts in land.coasts:
        ring, place, dist = coasts.place(np.vstack([p_to[:-1], p_from[1:]]))
        if dist.max() > _SNAP_M:
            return None
        leaves, reaches = ring[: n - 1], ring[n - 1 :]
        left, reached = place[: n - 1], place[n - 1 :]
        best = np.full(n, np.inf)
        best[0] = 0.0
        for j in range(n - 1):
            out = best[j] + piece_km[j]
            if not np.isfinite(out):
                continue
            if w_bridged[j]:
                best[j + 1] = min(best[j + 1], out + w_km[j])
            for k in range(j + 1, n):
                if reaches[k - 1] == leaves[j]:
                    coast = coasts.along(int(leaves[j]), left[j], reached[k - 1])
                    best[k] = min(best[k], out + coast)
        by_land = min(by_land, float(best[-1] + piece_km[-1]))
    whole = float(_km(land, ends[:1], ends[1:])[0])
    return whole, by_land


def sea_crossings(legs: Sequence[RoadLeg]) -> list[SeaCrossing]:
    """The legs whose course crosses the sea (see the module docstring).

    The answer depends on the courses only: it is kept for the last few sets of
    courses, so that reading the same bundle again does not test it again.
    """
    key = tuple((leg.path, leg.over_link) for leg in legs)
    found = _judged(key)
    return [
        SeaCrossing(
            lane_id=legs[k].lane.lane_id,
            from_site=legs[k].lane.from_site,
            to_site=legs[k].lane.to_site,
            zones=legs[k].zones,
            water_km=water,
            by_land_km=by_land,
        )
        for k, water, by_land in found
    ]


@lru_cache(maxsize=4)
def _judged(
    courses: tuple[tuple[tuple[tuple[float, float], ...], tuple[bool, ...]], ...],
) -> tuple[tuple[int, float, float | None], ...]:
    """(leg index, water km, km by land) of the courses that cross the sea."""
    land = _load()
    # every stretch of every course that is not along a declared link
    owner, a_ll, b_ll = [], [], []
    for k, (path, over_link) in enumerate(courses):
        for s, along_link in enumerate(over_link):
            if not along_link:
                owner.append(k)
                a_ll.append(path[s])
                b_ll.append(path[s + 1])
    if not owner:
        return ()
    a = np.array(a_ll, dtype=float)  # lat, lon
    b = np.array(b_ll, dtype=float)
    lo_lon, lo_lat, hi_lon, hi_lat = _BOUNDS
    covered = (
        (np.minimum(a[:, 1], b[:, 1]) >= lo_lon)
        & (np.maximum(a[:, 1], b[:, 1]) <= hi_lon)
        & (np.minimum(a[:, 0], b[:, 0]) >= lo_lat)
        & (np.maximum(a[:, 0], b[:, 0]) <= hi_lat)
    )
    ax, ay = land.fwd.transform(a[:, 1], a[:, 0])
    bx, by = land.fwd.transform(b[:, 1], b[:, 0])
    lines = shapely.linestrings(np.stack([np.column_stack([ax, ay]), np.column_stack([bx, by])], 1))
    # a course never farther than MAX_WATER_KM / 2 from land crosses only bridged water
    suspect = np.nonzero(covered & ~shapely.contains(land.grown, lines))[0]
    if not len(suspect):
        return ()
    water = shapely.difference(lines[suspect], land.land)
    parts, index = shapely.get_parts(water, return_index=True)
    is_line = shapely.get_type_id(parts) == 1  # a line may touch the coast at a point
    parts, index = parts[is_line], index[is_line]
    start = shapely.get_coordinates(shapely.get_point(parts, 0))
    end = shapely.get_coordinates(shapely.get_point(parts, -1))
    km = _km(land, start, end)
    # water a van crosses as if on land: short (a bridge, an estuary), or never farther
    # than MAX_WATER_KM / 2 from land (between islands a few km apart)
    bridged = km <= MAX_WATER_KM
    bridged[~bridged] = shapely.covered_by(parts[~bridged], land.grown)
    found: dict[int, tuple[float, float | None]] = {}
    for stretch in np.unique(index[~bridged]):
        sel = np.nonzero(index == stretch)[0]
        line = lines[suspect[stretch]]
        judged = _by_land(land, line, start[sel], end[sel], km[sel], bridged[sel])
        if judged is None:
            continue  # starts or ends out at sea: beyond what the land data says
        whole, by_land = judged
        if by_land <= MAX_DETOUR * whole:
            continue  # only bays on the way: the way round by the coast is not much longer
        k = owner[suspect[stretch]]
        water_km = round(float(km[sel].max()), 1)
        if k not in found or water_km > found[k][0]:
            found[k] = (water_km, round(by_land, 1) if np.isfinite(by_land) else None)
    return tuple((k, *found[k]) for k in sorted(found))
