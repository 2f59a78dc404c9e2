"""Reference data the screens show names from: places and ethnicities.

Loaded through the API client, whose short-lived per-caller cache (web/reference_cache.py)
keeps most pages from asking the API for the same lists again.
"""

import unicodedata
from dataclasses import dataclass, field

from web.client import ApiClient
from web.schemas import Ethnicity, Place

COMMUNE_LEVELS = ("commune", "ward", "town")
LOCAL_LEVELS = ("hamlet", "quarter")
PLACES_PAGE_SIZE = 500  # the API's maximum page size
MAX_PLACE_PAGES = 20


def sort_key(name: str) -> str:
    """Order Vietnamese names as officers expect: "Ấp Chợ" next to "Ap", not after "Z"."""
    without_marks = "".join(
        char for char in unicodedata.normalize("NFD", name) if not unicodedata.combining(char)
    )
    return without_marks.replace("đ", "d").replace("Đ", "D").casefold()


@dataclass(frozen=True)
class PlaceGroup:
    label: str
    places: list[Place]


@dataclass(frozen=True)
class PlaceDirectory:
    places: list[Place]
    by_id: dict[str, Place] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_id", {place.id: place for place in self.places})

    def name_of(self, place_id: str | None) -> str:
        if place_id is None:
            return "—"
        place = self.by_id.get(place_id)
        return place.name if place is not None else place_id

    def area_of(self, place_id: str | None) -> str:
        """Rural or urban: the place's own, else its nearest ancestor's (rural if none),
        for the classification preview; the API decides the area of a saved review."""
        seen: set[str] = set()
        while place_id and place_id not in seen:
            seen.add(place_id)
            place = self.by_id.get(place_id)
            if place is None:
                break
            if place.area:
                return place.area
            place_id = place.parent_id
        return "rural"

    def sorted_places(self) -> list[Place]:
        """Every place, each under its parent (depth first), for admin lists and selects."""
        children: dict[str | None, list[Place]] = {}
        for place in self.places:
            parent = place.parent_id if place.parent_id in self.by_id else None
            children.setdefault(parent, []).append(place)
        ordered: list[Place] = []

        def walk(parent: str | None) -> None:
            for place in sorted(children.get(parent, []), key=lambda p: sort_key(p.name)):
                ordered.append(place)
                walk(place.id)

        walk(None)
        return ordered

    def chain_of(self, place_id: str | None) -> list[str]:
        """The place and the places above it, nearest first ([] for none)."""
        chain: list[str] = []
        while place_id and place_id in self.by_id and place_id not in chain:
            chain.append(place_id)
            place_id = self.by_id[place_id].parent_id
        return chain

    def depth_of(self, place: Place) -> int:
        depth, parent = 0, place.parent_id
        while parent in self.by_id and depth < 10:
            depth, parent = depth + 1, self.by_id[parent].parent_id
        return depth

    def communes(self) -> list[Place]:
        """Commune-level units, the usual search filter."""
        found = [place for place in self.places if place.level in COMMUNE_LEVELS]
        return sorted(found, key=lambda place: sort_key(place.name))

    def household_place_groups(self) -> list[PlaceGroup]:
        """Hamlets and quarters grouped under their commune, for the household form; a
        commune with none is offered itself."""
        groups = []
        for commune in self.communes():
            children = [
                place
                for place in self.places
                if place.parent_id == commune.id and place.level in LOCAL_LEVELS
            ]
            children.sort(key=lambda place: sort_key(place.name))
            groups.append(PlaceGroup(label=commune.name, places=children or [commune]))
        return groups


async def load_places(api: ApiClient) -> PlaceDirectory:
    """Every place the officer may see, following the keyset pages."""
    places: list[Place] = []
    page_token = None
    for _ in range(MAX_PLACE_PAGES):
        page = await api.list_places(page_size=PLACES_PAGE_SIZE, page_token=page_token)
        places.extend(page.items)
        page_token = page.next_page_token
        if not page_token:
            break
    return PlaceDirectory(places)


@dataclass(frozen=True)
class EthnicityNames:
    items: list[Ethnicity]
    locale: str

    def name_of(self, code: str | None) -> str:
        for item in self.items:
            if item.code == code:
                return item.name_in(self.locale)
        return code or "—"

    def options(self) -> list[tuple[str, str]]:
        # The API's order, which follows the official list (Kinh first), not the alphabet.
        return [(item.code, item.name_in(self.locale)) for item in self.items]


async def load_ethnicities(api: ApiClient, locale: str) -> EthnicityNames:
    return EthnicityNames(await api.list_ethnicities(), locale)
