"""No N+1: the SQL statements of one request are a small constant, whatever the rows.

Each endpoint is read twice, once over few records and once over ten times as many: the
statements counted (before_cursor_execute on the test engine) must be the same, and the
exact figure below. A new query per row, or a new query per page, shows up here first.
"""

# Statements per request, for an officer of one commune. The caller (token, user and places)
# is always one statement; a place filter reads the place (one more).
EXPECTED = {
    "households list": 3,  # caller, place, the page
    "households search": 2,  # caller, the page
    "household detail": 4,  # caller, household, members, moves
    "timeline": 8,  # caller, household, then one per source: moves, review steps, status
    #                 changes, needs, visits, persons in charge
    "visits due": 8,  # caller, place, page, last visits, persons in charge, persons,
    #                   counts by person and place, place names
    "household profile": 19,  # caller, household, members, moves, places, the timeline's 6,
    #                           then each section's page and the persons it names
    "supports list": 3,  # caller, place, the page
    "needs list": 3,  # caller, place, the page
    "poverty-rate report": 3,
    "early-warning report": 4,
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
