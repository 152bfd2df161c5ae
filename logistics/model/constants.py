"""Vocabularies of the data contract."""

SITE_KINDS = ("treatment_centre", "manufacturing_site", "airport", "hub", "crossing")
MODES = ("road", "air", "ferry", "rail", "tunnel", "onboard_courier")
TEMPERATURES = ("CRT", "2-8C", "-80C", "LN2")
RESOURCES = ("apheresis", "manufacturing")
ORDER_STATUSES = (
    "new",
    "committed",
    "collected",
    "manufacturing",
    "shipped",
    "infused",
    "cancelled",
)
# Statuses whose manufacturing site and apheresis time are booked and never re-planned.
BOOKED_STATUSES = ("committed", "collected", "manufacturing", "shipped", "infused")
