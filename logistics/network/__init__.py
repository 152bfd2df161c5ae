"""The network as a graph: generated road legs, itineraries."""
