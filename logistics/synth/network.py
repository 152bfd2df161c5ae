"""Seeded network bundles at European scale (``logistics make-network``).

A generated bundle is ``data/europe`` (or another base bundle) with more treatment
centres and manufacturing sites and capacity sized for a known order book:

- centres: the base bundle's own centres first (a seeded sample when fewer are asked
  for), then generated teaching hospitals in the cities of
  ``logistics/defaults/hospital_cities.csv`` (European cities with university
  hospitals; every city gets one before any gets a second);
- plants: the base bundle's plants in a fixed order (the first four license every
  therapy), then the sites of ``logistics/defaults/plant_sites.csv`` (cities with cell
  and gene therapy manufacturing), licensed in ``therapies.toml`` as that file says;
- the same airports, hubs, crossings, lanes, customs, territories, holidays, road
  settings and therapies, lane capacities (shippers per departure) scaled with the
  book (``orders / 1000``, the size the base bundle is provisioned for);
- capacity: manufacturing slots split over the plants in proportion to the base
  bundle's slots (new plants by their scale class) and scaled so that the book
  ``make-orders --network DIR --n ORDERS --start START --days DAYS`` asks for
  ``load`` of the manufacturing slot-days of those days (expected over the therapy
  mix ``generate_orders`` draws); apheresis slots on weekdays at least twice each
  centre's expected daily orders.

Everything is a pure function of the base bundle and the :class:`NetworkSpec`: the
same spec gives byte-identical files.
"""

from __future__ import annotations

import csv
import io
import math
import random
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from importlib.resources import files
from pathlib import Path

from logistics.io.bundle import default_bundle, read_network
from logistics.io.bundle_edit import csv_text, therapies_with_sites
from logistics.model.calendar.hours import WEEKDAYS
from logistics.model.network import Network

__all__ = ["NetworkSpec", "generate_network", "max_centres", "write_network"]

#: base plants in the order a smaller network keeps them: the first four license
#: every therapy of data/europe (cart-auto, cart-cryo, cart-academic, treg-auto)
BASE_PLANTS = (
    "MFG-NL-HOOFDDORP",
    "MFG-CH-STEIN",
    "MFG-ES-BARCELONA",
    "MFG-PL-GDANSK",
    "MFG-NL-LEIDEN",
    "MFG-BE-GHENT",
    "MFG-FR-LESULIS",
    "MFG-GB-STEVENAGE",
    "MFG-NL-GELEEN",
    "MFG-GB-CGTCATAPULT",
    "MFG-DE-BERGISCHGLADBACH",
    "MFG-DE-LEIPZIG",
    "MFG-GB-LONDON",
)
#: relative daily slots of a new plant by scale class (base plants keep their own)
SCALE_SLOTS = {"large": 40.0, "medium": 20.0, "academic": 6.0}
BASE_ORDERS = 1000  # the book data/europe's lanes are provisioned for
_CENTRE_HOURS = "Mo-Fr 08:00-18:00"
_PLANT_HOURS = "Mo-Fr 07:00-19:00; Sa 08:00-13:00"


@dataclass(frozen=True, slots=True, kw_only=True)
class NetworkSpec:
    """What to generate: sizes, the book the capacity is sized for, and the seed.

    ``orders`` defaults to 20 per centre (10,000 at 500 centres); ``load`` is the
    share of the manufacturing slot-days in ``[start, start + days)`` that book asks
    for.
    """

    centres: int = 500
    plants: int = 40
    orders: int | None = None
    start: date = date(2026, 12, 7)
    days: int = 28
    seed: int = 0
    load: float = 0.975

    def __post_init__(self) -> None:
        """Raises ValueError((option, expected), ...) naming every size out of range."""
        most = len(BASE_PLANTS) + len(_plant_rows())
        checks = (
            ("--centres", self.centres >= 1, "at least 1 centre"),
            ("--plants", 4 <= self.plants <= most, f"4..{most} plants"),
            ("--orders", self.orders is None or self.orders >= 1, "at least 1 order"),
            ("--days", self.days >= 1, "at least 1 day"),
            ("--load", 0 < self.load <= 1.5, "a load in (0, 1.5]"),
        )
        bad = [(option, expected) for option, ok, expected in checks if not ok]
        if bad:
            raise ValueError(*bad)

    @property
    def book(self) -> int:
        """The number of orders the capacity is sized for."""
        return self.orders if self.orders is not None else 20 * self.centres


def max_centres(base: Network | None = None) -> int:
    """The most centres a spec may ask for: the base centres and every city slot."""
    net = base or read_network()
    own = sum(s.kind == "treatment_centre" for s in net.sites.values())
    return own + sum(int(c["hospitals"]) for c in _city_rows())


def generate_network(spec: NetworkSpec, base: str | Path | None = None) -> dict[str, str]:
    """The files of the bundle ``spec`` describes, derived from ``base`` (default: the
    embedded ``data/europe``): file name -> text.

    Raises:
        ValueError: ``(option, expected)`` pairs: ``spec`` asks for more centres than the
            base and the city list hold, or for centres no therapy may supply.
    """
    folder = Path(base) if base is not None else default_bundle()
    net = read_network(folder)
    rng = random.Random(spec.seed)
    sites = _rows(folder / "sites.csv")
    centres = _centres(sites, spec, rng, net)
    plants = _plants(sites, spec.plants)
    therapy_sites = _therapy_sites(net, plants)
    weights = _plant_weights(net, plants)
    markets = {c["site_id"]: _markets(net, c) for c in centres}
    countries = {c["site_id"]: c["country"] for c in centres}
    mix = _therapy_mix(net, therapy_sites, weights, markets, countries)
    slots = _manufacturing_slots(net, spec, weights, therapy_sites, mix)
    aph = _apheresis_slots(net, spec, mix, markets, countries)
    kept = {c["site_id"] for c in centres} | {p["site_id"] for p in plants}
    out: dict[str, str] = {}
    header = list(sites[0].keys())
    site_rows = [r for r in sites if r["kind"] not in ("treatment_centre", "manufacturing_site")]
    out["sites.csv"] = csv_text(header, [*plants, *centres, *site_rows])
    out["capacity.csv"] = _capacity(folder, net, slots, aph, spec)
    out["lanes.csv"] = _lanes(folder, max(1.0, spec.book / BASE_ORDERS))
    holidays = [r for r in _rows(folder / "holidays.csv") if r.get("site_id", "") in ("", *kept)]
    if (folder / "holidays.csv").is_file():
        out["holidays.csv"] = csv_text(_header(folder / "holidays.csv"), holidays)
    for name in ("customs.csv", "territories.csv"):
        if (folder / name).is_file():
            out[name] = (folder / name).read_text(encoding="utf-8")
    out["therapies.toml"] = therapies_with_sites(
        (folder / "therapies.toml").read_text(encoding="utf-8"), therapy_sites
    )
    if (folder / "network.toml").is_file():
        zones = {c["site_id"]: c["zone"] for c in centres if c.get("zone")}
        out["network.toml"] = _network_toml(folder / "network.toml", kept, zones)
    out["SOURCES.md"] = _sources(spec, folder, centres, plants, slots, mix)
    return dict(sorted(out.items()))


def write_network(bundle: Mapping[str, str], out_dir: str | Path) -> Path:
    """Write the files of a generated bundle into ``out_dir`` (created when missing;
    files of the same name are replaced)."""
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in bundle.items():
        (folder / name).write_text(text, encoding="utf-8", newline="\n")
    return folder


# --- centres and plants ---------------------------------------------------------------


def _centres(sites, spec: NetworkSpec, rng: random.Random, net: Network) -> list[dict]:
    own = [r for r in sites if r["kind"] == "treatment_centre"]
    if spec.centres <= len(own):
        keep = sorted(rng.sample(range(len(own)), spec.centres))
        return [own[k] for k in keep]
    cities = _city_rows()
    pool = sorted(
        (rank, rng.random(), k) for k, c in enumerate(cities) for rank in range(int(c["hospitals"]))
    )
    extra = spec.centres - len(own)
    if extra > len(pool):
        raise ValueError(
            (
                "--centres",
                f"at most {len(own) + len(pool)} centres (the base bundle's {len(own)} and "
                f"{len(pool)} places in the city list)",
            )
        )
    new = [_new_centre(cities[k], rank, list(own[0].keys())) for rank, _r, k in pool[:extra]]
    new.sort(key=lambda r: r["site_id"])
    return [*own, *new]


def _new_centre(city: Mapping[str, str], rank: int, header: Sequence[str]) -> dict:
    """A generated teaching hospital: the city's coordinates moved about 2 km per rank
    (a fixed pattern, so a hospital is at the same place in every network)."""
    lat, lon = float(city["lat"]), float(city["lon"])
    angle = math.radians(137.5 * rank)
    radius = 0.018 * (1 + rank // 3)
    slug = re.sub(r"[^A-Z0-9]", "", city["city"].upper())
    row = dict.fromkeys(header, "")
    row.update(
        site_id=f"TC-{city['country']}-{slug}-G{rank + 1}",
        name=f"{city['city']} teaching hospital {rank + 1} (generated)",
        kind="treatment_centre",
        country=city["country"],
        subdivision=city["subdivision"],
        lat=f"{lat + radius * math.cos(angle):.4f}",
        lon=f"{lon + radius * math.sin(angle) / math.cos(math.radians(lat)):.4f}",
        opening_hours=_CENTRE_HOURS,
        ph_open="false",
        apheresis_ready="13:00",
        zone=city.get("zone", ""),
    )
    return row


def _plants(sites: list[dict], n: int) -> list[dict]:
    """The first ``n`` plants: the base bundle's (in :data:`BASE_PLANTS` order, others
    after them), then those of the plant list."""
    own = [r for r in sites if r["kind"] == "manufacturing_site"]
    rank = {s: k for k, s in enumerate(BASE_PLANTS)}
    own.sort(key=lambda r: rank.get(r["site_id"], len(rank)))
    rows: list[dict] = [dict(r) | {"therapies": "", "scale": ""} for r in own[:n]]
    header = list(sites[0].keys())
    for p in _plant_rows()[: max(0, n - len(own))]:
        row = dict.fromkeys(header, "")
        row.update({k: p[k] for k in ("site_id", "name", "country", "subdivision", "lat", "lon")})
        row.update(
            kind="manufacturing_site",
            opening_hours=_PLANT_HOURS,
            ph_open="false",
            therapies=p["therapies"],
            scale=p["scale"],
        )
        rows.append(row)
    return rows


def _therapy_sites(net: Network, plants: list[dict]) -> dict[str, list[str]]:
    chosen = {p["site_id"] for p in plants}
    out = {}
    for tid, therapy in net.therapies.items():
        sites = [s for s in therapy.sites if s in chosen]
        sites += [p["site_id"] for p in plants if tid in p["therapies"].split(";")]
        out[tid] = sites
    return out


def _plant_weights(net: Network, plants: list[dict]) -> dict[str, float]:
    out = {}
    for p in plants:
        week = net.capacity.weekly.get((p["site_id"], "manufacturing"))
        out[p["site_id"]] = sum(week) / 7 if week else SCALE_SLOTS.get(p["scale"], 20.0)
    return out


def _markets(net: Network, centre: Mapping[str, str]) -> frozenset[str]:
    site = net.sites.get(centre["site_id"])
    if site is not None:
        return site.markets
    return net.territories.markets(centre["country"], centre["subdivision"] or None)


# --- capacity ---------------------------------------------------------------------------


def _therapy_mix(net, therapy_sites, weights, markets, countries) -> dict[str, dict]:
    """Per therapy with eligible centres: its share of the book (as ``generate_orders``
    draws it, from the plants' relative weekly slots) and its eligible centres."""
    sharing: dict[str, int] = {}
    for sites in therapy_sites.values():
        for s in sites:
            sharing[s] = sharing.get(s, 0) + 1
    raw = {}
    for tid, therapy in net.therapies.items():
        eligible = [
            c
            for c in markets
            if markets[c] & set(therapy.markets) and therapy.allows_country(countries[c])
        ]
        w = sum(weights[s] / sharing[s] for s in therapy_sites[tid]) / therapy.manufacturing_days
        if eligible and w > 0:
            raw[tid] = (w, eligible)
    total = sum(w for w, _ in raw.values())
    if not total:
        raise ValueError(("--centres", "a centre some therapy with a plant may supply"))
    return {tid: {"share": w / total, "centres": e} for tid, (w, e) in raw.items()}


def _manufacturing_slots(net, spec, weights, therapy_sites, mix) -> dict[str, int]:
    """Daily slots per plant: proportional to ``weights``, totalling the slot-days that
    make the expected book ``spec.load`` of the horizon."""
    mean_days = sum(m["share"] * net.therapies[t].manufacturing_days for t, m in mix.items())
    demand = spec.book * mean_days
    closed = _closed_share(net, spec, list(weights))
    total = demand / (spec.load * spec.days * (1 - closed))
    scale = total / sum(weights.values())
    return _apportion({p: w * scale for p, w in weights.items()}, round(total))


def _closed_share(net: Network, spec: NetworkSpec, plants: list[str]) -> float:
    """Share of the plants' slot-days that dated rows (holiday closures) remove in the
    horizon, at the base bundle's slots."""
    full = lost = 0.0
    for p in plants:
        week = net.capacity.weekly.get((p, "manufacturing"))
        if not week:
            continue
        for d in range(spec.days):
            day = spec.start + timedelta(days=d)
            full += week[day.weekday()]
            lost += week[day.weekday()] - net.capacity.slots(p, "manufacturing", day)
    return lost / full if full else 0.0


def _apportion(quota: Mapping[str, float], total: int) -> dict[str, int]:
    """Whole slots (at least 1 each) summing to ``total`` by largest remainders."""
    floor = {k: max(1, math.floor(q)) for k, q in quota.items()}
    left = total - sum(floor.values())
    order = sorted(quota, key=lambda k: (-(quota[k] - math.floor(quota[k])), k))
    for k in order[: max(0, left)]:
        floor[k] += 1
    return floor


def _apheresis_slots(net, spec, mix, markets, countries) -> dict[str, int]:
    """Weekday apheresis slots per centre: twice its expected orders a weekday."""
    weekdays = sum((spec.start + timedelta(days=d)).weekday() < 5 for d in range(spec.days))
    rate = dict.fromkeys(markets, 0.0)
    for m in mix.values():
        for c in m["centres"]:
            rate[c] += spec.book * m["share"] / len(m["centres"]) / max(1, weekdays)
    return {c: max(1, math.ceil(2 * r)) for c, r in rate.items()}


def _capacity(folder: Path, net: Network, slots, aph, spec) -> str:
    rows = []
    for p, n in slots.items():
        week = net.capacity.weekly.get((p, "manufacturing"))
        base = max(week) if week else 0
        rows += [_cap(p, "manufacturing", day, "", n) for day in WEEKDAYS]
        for (site, res, day), s in sorted(net.capacity.dated.items()):
            if site == p and res == "manufacturing" and base:
                rows.append(_cap(p, res, "", day.isoformat(), round(n * s / base)))
    for c, n in aph.items():
        week = net.capacity.weekly.get((c, "apheresis"))
        if week is None:
            rows += [_cap(c, "apheresis", day, "", n) for day in WEEKDAYS[:5]]
        else:
            rows += [
                _cap(c, "apheresis", day, "", max(s, n) if i < 5 else s)
                for i, (day, s) in enumerate(zip(WEEKDAYS, week, strict=True))
                if s > 0
            ]
        for (site, res, day), s in sorted(net.capacity.dated.items()):
            if site == c and res == "apheresis":
                rows.append(_cap(c, res, "", day.isoformat(), s))
    return csv_text(["site_id", "resource", "weekday", "date", "slots"], rows)


def _cap(site: str, resource: str, weekday: str, day: str, slots: int) -> dict:
    return {"site_id": site, "resource": resource, "weekday": weekday, "date": day, "slots": slots}


def _lanes(folder: Path, factor: float) -> str:
    rows = _rows(folder / "lanes.csv")
    for r in rows:
        if r.get("capacity"):
            r["capacity"] = str(math.ceil(int(r["capacity"]) * factor))
    return csv_text(_header(folder / "lanes.csv"), rows)


# --- TOML files, edited as text so that their comments stay -------------------------------


def _network_toml(path: Path, kept: set[str], zones: Mapping[str, str]) -> str:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        m = re.match(r"\s*((?:TC|MFG)-[A-Za-z0-9_.-]+)\s*=", line)
        if m and m.group(1) not in kept:
            continue
        out.append(line)
        if line.strip().startswith("[roads.site_zones]"):
            out += [f'{site} = "{zone}"' for site, zone in sorted(zones.items())]
    return "\n".join(out) + "\n"


def _sources(spec, folder, centres, plants, slots, mix) -> str:
    new_centres = sum(c["name"].endswith("(generated)") for c in centres)
    return (
        "# Generated network bundle\n\n"
        f"Written by `logistics make-network --centres {spec.centres} --plants {spec.plants} "
        f"--orders {spec.book} --start {spec.start} --days {spec.days} --seed {spec.seed} "
        f"--load {spec.load:g}` from `{folder.name}` "
        "(see that bundle's SOURCES.md for the airports, lanes, customs and therapies, and "
        "the project's README for how centres, plants and capacity are derived).\n\n"
        f"- {len(centres)} treatment centres: {len(centres) - new_centres} of the base "
        f"bundle, {new_centres} generated teaching hospitals in the cities of "
        "`logistics/defaults/hospital_cities.csv`.\n"
        f"- {len(plants)} manufacturing sites, {sum(slots.values())} manufacturing slots a "
        "day in all.\n"
        f"- Sized for the book `logistics make-orders --network DIR --n {spec.book} --start "
        f"{spec.start} --days {spec.days}`: it asks for about {100 * spec.load:.1f} % of the "
        "manufacturing slot-days of those days (therapy mix: "
        + ", ".join(f"{t} {100 * m['share']:.1f} %" for t, m in sorted(mix.items()))
        + ").\n"
        "- Synthetic: the generated hospitals, plant capacities and lane capacities are "
        "planning test data, not facts about any real site.\n"
    )


# --- files ----------------------------------------------------------------------------


def _rows(path: Path) -> list[dict]:
    if not path.is_file():
        return []
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return [dict(r) for r in csv.DictReader(fh)]


def _header(path: Path) -> list[str]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return next(csv.reader(fh))


def _data(name: str) -> list[dict]:
    text = files("logistics").joinpath("defaults", name).read_text(encoding="utf-8")
    return [dict(r) for r in csv.DictReader(io.StringIO(text))]


def _city_rows() -> list[dict]:
    return _data("hospital_cities.csv")


def _plant_rows() -> list[dict]:
    return _data("plant_sites.csv")
