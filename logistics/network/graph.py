"""The bundle as a networkx multigraph: sites as nodes, lanes as keyed edges."""

from __future__ import annotations

import networkx as nx

from logistics.model.network import Network


def build_graph(network: Network, temperature: str | None = None) -> nx.MultiDiGraph:
    """Sites as nodes (with their attributes) and lanes as edges keyed by lane id.

    With ``temperature``, only the lanes that can carry that class are included.
    """
    g = nx.MultiDiGraph(name=network.source)
    for site in network.sites.values():
        g.add_node(
            site.site_id,
            kind=site.kind,
            name=site.name,
            country=site.country,
            territory=site.territory,
            lat=site.lat,
            lon=site.lon,
            timezone=site.timezone,
        )
    for lane in network.lanes:
        if temperature is not None and temperature not in lane.temperatures:
            continue
        g.add_edge(
            lane.from_site,
            lane.to_site,
            key=lane.lane_id,
            carrier=lane.carrier,
            mode=lane.mode,
            duration_h=lane.duration_h,
            duration_p90_h=lane.duration_p90_h,
            departures=lane.departures,
            days=lane.days,
            valid_from=lane.valid_from,
            valid_to=lane.valid_to,
            lead_time_h=lane.lead_time_h,
            temperatures=lane.temperatures,
            capacity=lane.capacity,
            cost_eur=lane.cost_eur,
            generated=lane.generated,
        )
    return g
