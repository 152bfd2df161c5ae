"""Vocabularies of the data contract, as StrEnums (members compare equal to the
contract's strings, so a value read from a file and a member are interchangeable)."""

from enum import StrEnum


class SiteKind(StrEnum):
    """What a site is; only treatment centres and manufacturing sites are end points."""

    TREATMENT_CENTRE = "treatment_centre"
    MANUFACTURING_SITE = "manufacturing_site"
    AIRPORT = "airport"
    HUB = "hub"
    CROSSING = "crossing"


class Mode(StrEnum):
    """How a lane carries a shipment."""

    ROAD = "road"
    AIR = "air"
    FERRY = "ferry"
    RAIL = "rail"
    TUNNEL = "tunnel"
    ONBOARD_COURIER = "onboard_courier"


class Material(StrEnum):
    """What a shipment carries: apheresis starting material (inbound, to the plant)
    or the finished medicinal product (outbound, to the centre)."""

    STARTING = "starting"
    FINISHED = "finished"


MATERIALS = tuple(Material)


class Temperature(StrEnum):
    """Temperature class of a shipment or a lane."""

    CRT = "CRT"
    FRESH = "2-8C"
    FROZEN = "-80C"
    LN2 = "LN2"


class OrderStatus(StrEnum):
    """Where an order stands in the vein-to-vein chain (orders.csv ``status``)."""

    NEW = "new"
    COMMITTED = "committed"
    COLLECTED = "collected"
    MANUFACTURING = "manufacturing"
    SHIPPED = "shipped"
    INFUSED = "infused"
    CANCELLED = "cancelled"


SITE_KINDS = tuple(SiteKind)
MODES = tuple(Mode)
TEMPERATURES = tuple(Temperature)
RESOURCES = ("apheresis", "manufacturing")
ORDER_STATUSES = tuple(OrderStatus)
# Statuses whose manufacturing site and apheresis time are booked and never re-planned.
BOOKED_STATUSES = (
    OrderStatus.COMMITTED,
    OrderStatus.COLLECTED,
    OrderStatus.MANUFACTURING,
    OrderStatus.SHIPPED,
    OrderStatus.INFUSED,
)
