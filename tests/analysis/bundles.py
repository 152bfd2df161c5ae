"""Tiny bundles for the critical-element tests, written into a temporary folder.

The channel bundle: a London centre whose only way to the continent is one tunnel
lane each way (Folkestone - Coquelles), two road couriers on each road stretch (so no
road lane is a single point), two licensed plants (Leiden, Ghent) reached by road from
Coquelles and from a Paris centre. ``ferry=True`` adds a Dover - Calais ferry each way
with its roads; ``island=True`` adds a Reykjavik centre in the therapy's markets with
no lane at all.
"""

from __future__ import annotations

from pathlib import Path

SITES = """\
site_id,name,kind,country,subdivision,lat,lon,timezone,opening_hours,ph_open,iata,apheresis_ready
TC-LON,London hospital,treatment_centre,GB,GB-ENG,51.50,-0.12,Europe/London,24/7,true,,13:00
TC-PAR,Paris hospital,treatment_centre,FR,,48.85,2.35,Europe/Paris,24/7,true,,13:00
MFG-LEI,Leiden plant,manufacturing_site,NL,,52.17,4.48,Europe/Amsterdam,24/7,true,,
MFG-GHE,Ghent plant,manufacturing_site,BE,,51.05,3.72,Europe/Brussels,24/7,true,,
XING-GB-FOLK,Folkestone terminal,crossing,GB,,51.09,1.14,Europe/London,24/7,true,,
XING-FR-COQ,Coquelles terminal,crossing,FR,,50.93,1.81,Europe/Paris,24/7,true,,
"""
FERRY_SITES = """XING-GB-DOVER,Dover port,crossing,GB,,51.12,1.33,Europe/London,24/7,true,,
XING-FR-CALAIS,Calais port,crossing,FR,,50.97,1.86,Europe/Paris,24/7,true,,
"""
ISLAND_SITES = """\
TC-IS-RVK,Reykjavik hospital,treatment_centre,IS,,64.14,-21.94,Atlantic/Reykjavik,24/7,true,,13:00
"""
HEADER = (
    "lane_id,carrier,mode,from_site,to_site,duration_h,duration_p90_h,departures,days,"
    "lead_time_h,temperatures,capacity,cost_eur,valid_from,valid_to\n"
)
TEMPS = "CRT;2-8C;LN2"


def _pair(a: str, b: str, hours: float, mode: str = "road", carriers=("A", "B")) -> str:
    """Lanes a->b and b->a for each carrier (ids ``<MODE>-<a>-<b>-<carrier>``)."""
    rows = []
    for x, y in ((a, b), (b, a)):
        for c in carriers:
            lane = f"{mode[:3].upper()}-{x}-{y}-{c}"
            rows.append(f"{lane},Courier {c},{mode},{x},{y},{hours},{hours},,,0.5,{TEMPS},,100,,\n")
    return "".join(rows)


def lanes_csv(ferry: bool) -> str:
    text = HEADER
    text += _pair("TC-LON", "XING-GB-FOLK", 2.0)
    text += f"TUNNEL-GB-FR,Shuttle,tunnel,XING-GB-FOLK,XING-FR-COQ,0.6,0.6,,,0.5,{TEMPS},,200,,\n"
    text += f"TUNNEL-FR-GB,Shuttle,tunnel,XING-FR-COQ,XING-GB-FOLK,0.6,0.6,,,0.5,{TEMPS},,200,,\n"
    text += _pair("XING-FR-COQ", "MFG-LEI", 4.0)
    text += _pair("XING-FR-COQ", "MFG-GHE", 2.0)
    text += _pair("TC-PAR", "MFG-LEI", 6.0)
    text += _pair("TC-PAR", "MFG-GHE", 4.0)
    if ferry:
        text += _pair("TC-LON", "XING-GB-DOVER", 2.0)
        text += _pair("XING-GB-DOVER", "XING-FR-CALAIS", 1.5, mode="ferry", carriers=("F",))
        text += _pair("XING-FR-CALAIS", "MFG-LEI", 4.0)
    return text


THERAPIES = """[therapy.cart-auto]
inbound_temperature = "2-8C"
inbound_max_h = 48
manufacturing_days = 9
release_days = 7
outbound_temperature = "LN2"
outbound_max_h = 216
infusion_prep_days = 5
sites = ["MFG-LEI", "MFG-GHE"]
markets = ["EU", "GB", "IS"]
"""
CUSTOMS = """\
from_territory,to_territory,mode,clearance_median_h,clearance_p90_h,office_hours,import_release_h
GB,EU,,1,1,24/7,0
EU,GB,,1,1,24/7,0
"""
CAPACITY = """site_id,resource,weekday,date,slots
MFG-LEI,manufacturing,Mo-Su,,2
MFG-GHE,manufacturing,Mo-Su,,2
TC-LON,apheresis,Mo-Su,,1
TC-PAR,apheresis,Mo-Su,,1
"""
# three London patients, each on one day: the re-plan cannot wait out a week's closure
ORDERS = """\
order_id,therapy,treatment_centre,apheresis_earliest,apheresis_latest,priority,status,committed_site,committed_apheresis
P-1,cart-auto,TC-LON,2026-12-07,2026-12-07,3,new,,
P-2,cart-auto,TC-LON,2026-12-08,2026-12-08,3,new,,
P-3,cart-auto,TC-LON,2026-12-09,2026-12-09,3,new,,
"""


def channel_bundle(folder: Path, *, ferry: bool = False, island: bool = False) -> Path:
    """Write the channel bundle (see the module) and its orders.csv into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    sites = SITES + (FERRY_SITES if ferry else "") + (ISLAND_SITES if island else "")
    capacity = CAPACITY + ("TC-IS-RVK,apheresis,Mo-Su,,1\n" if island else "")
    files = {
        "sites.csv": sites,
        "lanes.csv": lanes_csv(ferry),
        "therapies.toml": THERAPIES,
        "customs.csv": CUSTOMS,
        "capacity.csv": capacity,
        "orders.csv": ORDERS,
    }
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder
