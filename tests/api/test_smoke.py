def test_health(client):
    assert client.get("/healthz").json() == {"status": "ok"}


def test_ready(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["database"] == "ok"


def test_create_tree_and_household(client, tree, make_household, admin):
    household = make_household(tree["hamlet_a"]["id"], head_name="Nguyễn Văn Á")
    assert household["commune_id"] == tree["commune_a"]["id"]
    found = client.get("/api/v1/households", params={"q": "nguyen van a"}, headers=admin)
    assert found.status_code == 200
    assert [h["id"] for h in found.json()["items"]] == [household["id"]]
