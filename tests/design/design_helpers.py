"""Shared by the design tests: exact solver settings and a generated instance."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from logistics.design.ishipment import write_instance
from logistics.design.model import Design
from logistics.io.bundle import read_network
from logistics.io.design import read_design
from logistics.io.orders import read_orders
from logistics.model.network import Network
from logistics.model.orders import OrderBook
from logistics.solve.params import SolveParams

# exact optima: no relative gap, one worker, a short limit
PARAMS = SolveParams(time_limit_s=30, relative_gap=0.0, workers=1)


@dataclass(frozen=True)
class Instance:
    bundle: Path
    orders: Path
    network: Network
    book: OrderBook
    design: Design


def instance(folder: Path, **kw) -> Instance:
    bundle, orders = write_instance(folder, **kw)
    network = read_network(bundle)
    book = read_orders(orders, network)
    design = read_design(bundle, network)
    assert design is not None
    return Instance(bundle, orders, network, book, design)


def booked_instance(
    folder: Path,
    *,
    site: str,
    order: str,
    lines: tuple[int, ...],
    fixed_eur: float | None = None,
    patients: int = 6,
) -> Instance:
    """The tiny instance shape (3 plants, ``patients`` patients over 6 days, no cap,
    fixed costs a twentieth of the generator's) with order ``order`` committed at
    ``site`` on its apheresis day (ready 13:00 local, 12:00Z in January) and, when
    given, ``site``'s fixed cost set to ``fixed_eur``."""
    import csv

    bundle, orders = write_instance(
        folder,
        patients=patients,
        days=6,
        seed=3,
        plants=3,
        lines=lines,
        max_open=None,
        v2v_cap_days=None,
        fixed_scale=0.05,
    )
    rows = list(csv.DictReader(orders.open(encoding="utf-8")))
    for r in rows:
        booked = r["order_id"] == order
        r["status"] = "committed" if booked else r["status"]
        r["committed_site"] = site if booked else ""
        r["committed_apheresis"] = f"{r['apheresis_earliest']}T12:00:00Z" if booked else ""
    _rewrite(orders, rows)
    if fixed_eur is not None:
        path = bundle / "design.csv"
        sites = list(csv.DictReader(path.open(encoding="utf-8")))
        for r in sites:
            if r["site_id"] == site:
                r["fixed_cost_eur"] = str(fixed_eur)
        _rewrite(path, sites)
    network = read_network(bundle)
    book = read_orders(orders, network)
    design = read_design(bundle, network)
    assert design is not None
    return Instance(bundle, orders, network, book, design)


def _rewrite(path: Path, rows: list[dict]) -> None:
    import csv

    with path.open("w", encoding="utf-8", newline="") as fh:
        out = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        out.writeheader()
        out.writerows(rows)
