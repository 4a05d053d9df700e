"""The supply the simulator delivers on, as the inventory catalogue sees it.

Before it delivers, the simulator registers every app and site it draws from in the catalogue
(`adplane.inventory.catalogue`), so their inventory ids exist for block and allow lists before the
first impression lands on them.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from adplane.inventory import catalogue
from adplane.master import catalog
from adplane.simulator import profiles


def known_publishers() -> list[tuple[str, int]]:
    """(app id / domain, traffic type) of every publisher the simulator draws from, in a fixed order."""
    pools = ((profiles.APP_PUBLISHERS, catalog.TRAFFIC_TYPE_APP), (profiles.WEB_PUBLISHERS, catalog.TRAFFIC_TYPE_WEB),
             (profiles.CTV_PUBLISHERS, catalogue.TRAFFIC_CTV))
    return [(name, traffic) for pool, traffic in pools for name in pool]


def register_supply(session: Session) -> None:
    """Catalogue entries for the simulator's apps and sites (ids assigned once, in this fixed order)."""
    if catalogue.register(session, known_publishers()):
        session.commit()
