"""The households inside a place (any level), as conditions an index can serve.

Every list filters by place with the subtree rule `place_path LIKE '<path>%'`. For a commune
(or ward, town) the same households are also `commune_id = <id>`, and for a hamlet (or
quarter) `place_id = <id>`: added beside the path rule, these let PostgreSQL walk a
(commune_id, …) index in the list's own order instead of sorting the commune's households.
"""

from sqlalchemy import false
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, select

from api.models import Household, Place
from api.models.places import COMMUNE_LEVELS

LEAF_LEVELS = frozenset({"hamlet", "quarter"})


def households_within(session: Session, place_id: str) -> list[ColumnElement[bool]]:
    """Conditions on Household for the place's subtree; an unknown or invisible place matches
    nothing, never everything."""
    place = session.exec(select(Place.path, Place.level).where(Place.id == place_id)).first()
    if place is None:
        return [false()]
    path, level = place
    clauses = [Household.place_path.startswith(path, autoescape=True)]
    if level in COMMUNE_LEVELS:
        clauses.append(Household.commune_id == place_id)
    elif level in LEAF_LEVELS:
        clauses.append(Household.place_id == place_id)
    return clauses
