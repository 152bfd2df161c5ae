"""Generated instances shaped like the i-SHIPMENT model (Sci. Rep. 2022).

Our own generator, not the paper's data: four collection sites that are also the
treating hospitals, candidate plants with 4/31/10/4/31/10 lines (a seventh, larger
one on request), two modes on every hospital-plant pair (a fast one taking a day and
a cheaper one taking two), apheresis plus 7 days of manufacturing plus 7 of QC and
release, a day from delivery to infusion, an 18-day vein-to-vein cap and at most two
plants open. Every site is open around the clock, so the times are exact days.
"""

from __future__ import annotations

import csv
import math
from datetime import date, timedelta
from pathlib import Path

import numpy as np

__all__ = ["write_instance"]

HOSPITALS = (  # id, name, country, lat, lon, timezone
    (
        "TC-NL-AMS",
        "Amsterdam collection and treatment centre",
        "NL",
        52.29,
        4.96,
        "Europe/Amsterdam",
    ),
    ("TC-BE-LEU", "Leuven collection and treatment centre", "BE", 50.88, 4.67, "Europe/Brussels"),
    ("TC-DE-KOE", "Cologne collection and treatment centre", "DE", 50.92, 6.92, "Europe/Berlin"),
    ("TC-FR-LIL", "Lille collection and treatment centre", "FR", 50.61, 3.03, "Europe/Paris"),
)
PLANTS = (  # id, country, lat, lon, timezone, lines, fixed EUR, batch EUR
    ("PL-1", "NL", 52.17, 4.48, "Europe/Amsterdam", 4, 1_300_000, 30_000),
    ("PL-2", "BE", 51.01, 3.71, "Europe/Brussels", 31, 6_500_000, 26_000),
    ("PL-3", "DE", 51.32, 12.39, "Europe/Berlin", 10, 2_600_000, 27_000),
    ("PL-4", "FR", 48.68, 2.17, "Europe/Paris", 4, 1_200_000, 31_000),
    ("PL-5", "DE", 50.99, 7.13, "Europe/Berlin", 31, 6_800_000, 25_000),
    ("PL-6", "NL", 50.98, 5.80, "Europe/Amsterdam", 10, 2_500_000, 28_000),
)
BIG_PLANT = ("PL-7", "BE", 50.67, 4.61, "Europe/Brussels", 62, 11_000_000, 22_000)
START = date(2027, 1, 4)


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    la1, lo1, la2, lo2 = map(math.radians, (*a, *b))
    h = (
        math.sin((la2 - la1) / 2) ** 2
        + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    )
    return 2 * 6371 * math.asin(math.sqrt(h))


def _write(path: Path, header: list[str], rows: list[list[object]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh, lineterminator="\n")
        out.writerow(header)
        out.writerows(rows)


def write_instance(
    folder: str | Path,
    patients: int,
    *,
    days: int = 130,
    seed: int = 0,
    plants: int = 6,
    big_plant: bool = False,
    lines: tuple[int, ...] | None = None,
    max_open: int | None = 2,
    v2v_cap_days: float | None = 18,
    batch_cost: bool = True,
    fixed_scale: float = 1.0,
) -> tuple[Path, Path]:
    """Write a bundle (with design.csv) and an order book of ``patients`` patients
    over ``days`` days into ``folder``; returns (bundle folder, orders.csv).

    ``plants`` takes the first of the six candidate plants, ``lines`` overrides
    their lines, ``big_plant`` adds the seventh; ``max_open`` and ``v2v_cap_days``
    go to network.toml ``[design]`` (None leaves them out); ``batch_cost`` False
    sets every batch cost to 0; ``fixed_scale`` multiplies the fixed costs."""
    folder = Path(folder)
    bundle = folder / "bundle"
    bundle.mkdir(parents=True, exist_ok=True)
    chosen = list(PLANTS[:plants]) + ([BIG_PLANT] if big_plant else [])
    if lines is not None:
        chosen = [(*p[:5], n, *p[6:]) for p, n in zip(chosen, lines, strict=True)]
    sites = [
        [h[0], h[1], "treatment_centre", h[2], h[3], h[4], h[5], "24/7", "true", "", "13:00"]
        for h in HOSPITALS
    ]
    sites += [
        [
            p[0],
            f"Candidate plant {p[0]}",
            "manufacturing_site",
            p[1],
            p[2],
            p[3],
            p[4],
            "24/7",
            "true",
            "",
            "",
        ]
        for p in chosen
    ]
    _write(
        bundle / "sites.csv",
        [
            "site_id",
            "name",
            "kind",
            "country",
            "lat",
            "lon",
            "timezone",
            "opening_hours",
            "ph_open",
            "iata",
            "apheresis_ready",
        ],
        sites,
    )
    lanes = []
    for h in HOSPITALS:
        for p in chosen:
            km = _km((h[3], h[4]), (p[2], p[3]))
            fast = round(900 + 2.2 * km)
            slow = round(0.45 * fast)
            for a, b in ((h[0], p[0]), (p[0], h[0])):
                lanes.append(
                    [
                        f"FAST-{a}-{b}",
                        "Express courier",
                        "onboard_courier",
                        a,
                        b,
                        23,
                        23,
                        1,
                        "2-8C;LN2",
                        fast,
                    ]
                )
                lanes.append(
                    [f"SLOW-{a}-{b}", "Groupage courier", "road", a, b, 47, 47, 1, "2-8C;LN2", slow]
                )
    _write(
        bundle / "lanes.csv",
        [
            "lane_id",
            "carrier",
            "mode",
            "from_site",
            "to_site",
            "duration_h",
            "duration_p90_h",
            "lead_time_h",
            "temperatures",
            "cost_eur",
        ],
        lanes,
    )
    capacity = [[h[0], "apheresis", "Mo-Su", "", 50] for h in HOSPITALS]
    capacity += [[p[0], "manufacturing", "Mo-Su", "", p[5]] for p in chosen]
    _write(bundle / "capacity.csv", ["site_id", "resource", "weekday", "date", "slots"], capacity)
    plant_ids = ", ".join(f'"{p[0]}"' for p in chosen)
    (bundle / "therapies.toml").write_text(
        "[therapy.autologous]\n"
        'description = "i-SHIPMENT-shaped autologous therapy"\n'
        'inbound_temperature = "2-8C"\n'
        "inbound_max_h = 72\n"
        "manufacturing_days = 7\n"
        "release_days = 7\n"
        'outbound_temperature = "LN2"\n'
        "outbound_max_h = 72\n"
        "infusion_prep_days = 1\n"
        f"sites = [{plant_ids}]\n"
        'markets = ["EU"]\n',
        encoding="utf-8",
    )
    settings = []
    if max_open is not None:
        settings.append(f"max_open = {max_open}")
    if v2v_cap_days is not None:
        settings.append(f"v2v_cap_days = {v2v_cap_days}")
    (bundle / "network.toml").write_text(
        "[design]\n" + "\n".join(settings) + "\n", encoding="utf-8"
    )
    _write(
        bundle / "design.csv",
        ["site_id", "status", "fixed_cost_eur", "lines", "batch_cost_eur"],
        [
            [p[0], "candidate", round(p[6] * fixed_scale), p[5], p[7] if batch_cost else 0]
            for p in chosen
        ],
    )
    rng = np.random.default_rng(seed)
    orders = folder / "orders.csv"
    weights = np.array([0.35, 0.25, 0.25, 0.15])
    rows = []
    for i in range(patients):
        centre = HOSPITALS[int(rng.choice(4, p=weights))][0]
        day = START + timedelta(days=int(rng.integers(0, days)))
        rows.append(
            [f"P-{i + 1:04d}", "autologous", centre, day.isoformat(), day.isoformat(), 3, "new"]
        )
    rows.sort(key=lambda r: (r[3], r[0]))
    _write(
        orders,
        [
            "order_id",
            "therapy",
            "treatment_centre",
            "apheresis_earliest",
            "apheresis_latest",
            "priority",
            "status",
        ],
        rows,
    )
    return bundle, orders
