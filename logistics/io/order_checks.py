"""The rules an order must meet on a network, written once for every way in.

``read_orders`` applies :func:`network_problems` to each row of orders.csv (a file, a
stream or a DataFrame) and ``solve`` calls :func:`validate_orders` on any book, so an
order built in code fails with the same ``Issue`` (column, expected) as its row in a
CSV file. The rules that need only the order are checked when an ``Order`` is built
(``logistics.model.orders.order_problems``).
"""

from __future__ import annotations

from pathlib import Path

from logistics.errors import InputError, Issue
from logistics.model.network import Network
from logistics.model.orders import CODE, OrderBook

THERAPY_EXPECTED = "a therapy of therapies.toml"
CENTRE_EXPECTED = "a site_id from sites.csv"
CENTRE_KIND_EXPECTED = "a site of kind treatment_centre"
SITE_EXPECTED = "a manufacturing_site from sites.csv"
DUPLICATE_EXPECTED = "a unique id (already on row {row})"


def network_problems(
    network: Network,
    *,
    therapy: str | None = None,
    treatment_centre: str | None = None,
    committed_site: str | None = None,
) -> list[tuple[str, str, str]]:
    """The rules one order's ids break on ``network``.

    ``therapy``, ``treatment_centre`` and ``committed_site`` are the order's ids
    (None: not checked). Returns (column, expected, got) triples: an unknown therapy,
    an unknown centre or one that is not a treatment centre, a committed site that is
    not a manufacturing site or not licensed for the therapy.
    """
    out: list[tuple[str, str, str]] = []
    known = network.therapies.get(therapy) if therapy is not None else None
    if therapy is not None and known is None:
        out.append(("therapy", THERAPY_EXPECTED, therapy))
    if treatment_centre is not None:
        centre = network.sites.get(treatment_centre)
        if centre is None:
            out.append(("treatment_centre", CENTRE_EXPECTED, treatment_centre))
        elif centre.kind != "treatment_centre":
            got = f"{centre.site_id} ({centre.kind})"
            out.append(("treatment_centre", CENTRE_KIND_EXPECTED, got))
    if committed_site is not None:
        site = network.sites.get(committed_site)
        if site is None or site.kind != "manufacturing_site":
            out.append(("committed_site", SITE_EXPECTED, committed_site))
        elif known is not None and committed_site not in known.sites:
            licensed = f"a site licensed for {known.therapy_id} ({', '.join(known.sites)})"
            out.append(("committed_site", licensed, committed_site))
    return out


def validate_orders(book: OrderBook, network: Network) -> None:
    """Check every order of ``book`` against ``network`` (and order ids for repeats).

    ``book`` is any order book (read from a file or built in code); ``network`` the
    network it will be planned on. Issues name the book's source file (``<code>`` when
    it has none) and the row each order would have in orders.csv (header = 1, first
    order = 2). Returns None; raises InputError listing every issue.
    """
    name = Path(book.source).name if book.source else CODE
    issues: list[Issue] = []
    first: dict[str, int] = {}
    for k, order in enumerate(book.orders):
        row = k + 2
        if order.order_id in first:
            expected = DUPLICATE_EXPECTED.format(row=first[order.order_id])
            issues.append(Issue(name, row, "order_id", expected, order.order_id))
        else:
            first[order.order_id] = row
        problems = network_problems(
            network,
            therapy=order.therapy,
            treatment_centre=order.treatment_centre,
            committed_site=order.committed_site,
        )
        issues.extend(Issue(name, row, c, e, g) for c, e, g in problems)
    if issues:
        raise InputError(issues)
