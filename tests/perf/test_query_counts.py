"""No N+1: the SQL statements of one request are a small constant, whatever the rows.

Each endpoint is read twice, once over few records and once over ten times as many: the
statements counted (before_cursor_execute on the test engine) must be the same, and the
exact figure below. A new query per row, or a new query per page, shows up here first.
"""

# Statements per request, for an officer of one commune. The caller (token, user and places)
# comes from the principal cache once the warm-up request has looked it up; a place filter
# reads the place (one statement).
EXPECTED = {
    "households list": 2,  # place, the page
    "households search": 1,  # the page
    "household detail": 3,  # household, members, moves
    "timeline": 7,  # household, then one per source: moves, review steps, status changes,
    #                 needs, visits, persons in charge
    "visits due": 7,  # place, page, last visits, persons in charge, persons, counts by person
    #                   and place, place names
    "household profile": 18,  # household, members, moves, places, the timeline's 6, then
    #                           each section's page and the persons it names
    "supports list": 2,  # place, the page
    "needs list": 2,  # place, the page
    "poverty-rate report": 2,
    "early-warning report": 3,
}


def _paths(commune_id: str, household_id: str) -> dict[str, str]:
    return {
        "households list": f"/api/v1/households?place_id={commune_id}",
        "households search": "/api/v1/households?q=nguyen%20van",
        "household detail": f"/api/v1/households/{household_id}",
        "timeline": f"/api/v1/households/{household_id}/timeline",
        "visits due": f"/api/v1/visits/due?place_id={commune_id}",
        "household profile": f"/api/v1/households/{household_id}/profile",
        "supports list": f"/api/v1/supports?place_id={commune_id}",
        "needs list": f"/api/v1/needs?place_id={commune_id}",
        "poverty-rate report": f"/api/v1/reports/poverty-rate?year=2025&place_id={commune_id}",
        "early-warning report": f"/api/v1/reports/early-warning?place_id={commune_id}",
    }


def measure(client, count_queries, headers, path: str) -> int:
    client.get(path, headers=headers)  # warm: per-process caches are not what is counted
    with count_queries() as statements:
        response = client.get(path, headers=headers)
    assert response.status_code == 200, response.text
    return len(statements)


def test_requests_read_a_constant_number_of_queries(client, count_queries, fill, officer, tree):
    commune = tree["commune_a"]["id"]
    few = fill(3)
    small = {
        name: measure(client, count_queries, officer, path)
        for name, path in _paths(commune, few[0]).items()
    }
    many = fill(27, records=5)
    large = {
        name: measure(client, count_queries, officer, path)
        for name, path in _paths(commune, many[0]).items()
    }
    assert small == EXPECTED
    assert large == EXPECTED
