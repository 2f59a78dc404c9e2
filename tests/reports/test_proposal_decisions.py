"""A decided submission's totals are the approved proposals'; the consolidated and the
rejected figures stay beside them under clear names."""

import pytest

from tests.reports.test_duplicates_proposals import PROPOSALS, proposal


@pytest.fixture
def submission(client, admin, tree):
    """Two submitted proposals (400 M livelihood in Hòa Ân, 1,200 M infrastructure in Phong
    Thạnh) consolidated for the district."""
    ids = []
    for place, category, budget in (
        ("commune_a", "livelihood", 400_000_000),
        ("commune_b", "infrastructure", 1_200_000_000),
    ):
        made = proposal(client, admin, tree[place]["id"], category=category, budget_vnd=budget)
        ids.append(made.json()["id"])
        client.post(f"{PROPOSALS}/{ids[-1]}/submit", headers=admin)
    body = {"title": "Tổng hợp 2020", "place_id": tree["district"]["id"], "year": 2020}
    response = client.post(f"{PROPOSALS}/submissions", json=body, headers=admin)
    assert response.status_code == 201, response.text
    return {"id": response.json()["id"], "livelihood": ids[0], "infrastructure": ids[1]}


def decide(client, admin, submission, **decision):
    url = f"{PROPOSALS}/submissions/{submission['id']}/decision"
    response = client.post(url, json=decision, headers=admin)
    assert response.status_code == 200, response.text
    return response.json()


def test_approved_totals_leave_out_rejected_proposals(client, admin, submission):
    decided = decide(
        client,
        admin,
        submission,
        decision="approved",
        decision_number="123/QĐ-UBND",
        rejected_proposal_ids=[submission["infrastructure"]],
    )
    assert (decided["proposals_count"], decided["total_budget_vnd"]) == (1, 400_000_000)
    totals = decided["totals"]
    assert [(c["category"], c["budget_vnd"]) for c in totals["by_category"]] == [
        ("livelihood", 400_000_000)
    ]
    assert [p["label"] for p in totals["by_place"]] == ["Hòa Ân"]
    assert (totals["submitted"]["proposals"], totals["submitted"]["budget_vnd"]) == (
        2,
        1_600_000_000,
    )
    assert len(totals["submitted"]["by_category"]) == 2
    assert totals["rejected"] == {
        "proposals": 1,
        "budget_vnd": 1_200_000_000,
        "proposal_ids": [submission["infrastructure"]],
    }
    again = client.get(f"{PROPOSALS}/submissions/{submission['id']}", headers=admin).json()
    assert again["total_budget_vnd"] == 400_000_000


def test_approved_whole(client, admin, submission):
    decided = decide(client, admin, submission, decision="approved")
    assert decided["total_budget_vnd"] == 1_600_000_000
    assert decided["totals"]["rejected"]["budget_vnd"] == 0


def test_rejected_whole(client, admin, submission):
    decided = decide(client, admin, submission, decision="rejected")
    assert (decided["proposals_count"], decided["total_budget_vnd"]) == (0, 0)
    assert decided["totals"]["by_category"] == []
    assert decided["totals"]["submitted"]["budget_vnd"] == 1_600_000_000
    assert decided["totals"]["rejected"]["budget_vnd"] == 1_600_000_000
