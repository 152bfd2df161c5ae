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
