"""POST /api/v1/supports/bulk: JSON and CSV, validate and commit, atomic all and row."""

from datetime import date, timedelta

from sqlmodel import func, select

from api.models import Event, Support
from tests.agencies.conftest import support_body

URL = "/api/v1/supports/bulk"


def saved(db, agency_id: str) -> list[str]:
    stmt = select(Support.external_ref).where(Support.agency_id == agency_id)
    return sorted(db.exec(stmt.execution_options(unscoped=True)).all())


def mixed(households, policy, other_policy) -> list:
    """Good, bad and repeated items, in a known order."""
    hh = [h["id"] for h in households]
    future = (date.today() + timedelta(days=3)).isoformat()
    return [
        support_body(hh[0], policy["id"], "M-0"),  # 0 good
        support_body("hh_missing", policy["id"], "M-1"),  # 1 unknown household
        support_body(hh[1], policy["id"], "M-2", amount_vnd=-1),  # 2 negative
        support_body(hh[1], policy["id"], "M-3"),  # 3 good
        support_body(hh[0], policy["id"], "M-0"),  # 4 same as 0 again: ignored
        support_body(hh[2], policy["id"], "M-0", amount_vnd=1),  # 5 same ref, other values
        support_body(hh[2], other_policy["id"], "M-6"),  # 6 another agency's policy
        support_body(hh[2], policy["id"], "M-7", delivered_on=future),  # 7 future delivery
        support_body(hh[2], policy["id"], "M-8", attributes={"term_months": 500}),  # 8 schema
        "not an object",  # 9
        support_body(hh[2], policy["id"], "M-10", amount_vnd=2.5),  # 10 fractional
        support_body(hh[2], policy["id"], "M-11"),  # 11 good
    ]


def outcomes(body) -> list[str]:
    return [r["outcome"] for r in body["results"]]


class TestBulkAuth:
    def test_anonymous(self, client):
        assert client.post(URL, json=[]).status_code == 401

    def test_without_scope(self, client, make_agency, make_key):
        headers, _ = make_key(make_agency()["id"], scopes=["supports:read"])
        assert client.post(URL, json=[], headers=headers).status_code == 403


class TestBulkJson:
    def test_atomic_row_saves_the_good_ones(
        self, client, db, bank, households, loan_policy, make_agency, make_key, make_policy
    ):
        other_headers, _ = make_key(make_agency()["id"])
        theirs = make_policy(other_headers)
        items = mixed(households, loan_policy, theirs)
        response = client.post(URL, params={"atomic": "row"}, json=items, headers=bank["headers"])
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["status"] == "partial"
        assert body["stats"] == {"created": 3, "updated": 0, "ignored": 1, "failed": 8, "total": 12}
        assert [r["index"] for r in body["results"]] == list(range(12))
        assert outcomes(body) == [
            "created",
            "failed",
            "failed",
            "created",
            "ignored",
            "failed",
            "failed",
            "failed",
            "failed",
            "failed",
            "failed",
            "created",
        ]
        results = body["results"]
        assert results[4]["duplicate_of"] == 0 and results[4]["id"] == results[0]["id"]
        assert results[5]["duplicate_of"] == 0
        assert results[5]["errors"][0]["pointer"] == "/external_ref"
        assert results[1]["errors"][0]["pointer"] == "/household_id"
        assert results[2]["errors"][0]["pointer"] == "/amount_vnd"
        assert results[6]["errors"][0]["pointer"] == "/policy_id"
        assert results[7]["errors"][0]["pointer"] == "/delivered_on"
        assert results[8]["errors"][0]["pointer"] == "/attributes/term_months"
        assert results[9]["errors"][0]["pointer"] == "/"
        assert results[10]["errors"][0]["pointer"] == "/amount_vnd"
        assert saved(db, bank["agency"]["id"]) == ["M-0", "M-11", "M-3"]
        events = db.exec(
            select(func.count())
            .select_from(Event)
            .where(Event.type == "support.recorded", Event.agency_id == bank["agency"]["id"])
        ).one()
        assert events == 3

    def test_atomic_all_saves_nothing(
        self, client, db, bank, households, loan_policy, make_agency, make_key, make_policy
    ):
        other_headers, _ = make_key(make_agency()["id"])
        theirs = make_policy(other_headers)
        items = mixed(households, loan_policy, theirs)
        response = client.post(URL, json=items, headers=bank["headers"])
        assert response.status_code == 422
        assert response.headers["content-type"] == "application/problem+json"
        body = response.json()
        assert body["outcome"] == "rejected"
        assert body["stats"] == {"created": 0, "updated": 0, "ignored": 0, "failed": 8, "total": 12}
        assert outcomes(body)[:5] == ["skipped", "failed", "failed", "skipped", "skipped"]
        assert saved(db, bank["agency"]["id"]) == []

    def test_atomic_all_commits_when_all_good(self, client, db, bank, households, loan_policy):
        items = [
            support_body(h["id"], loan_policy["id"], f"G-{i}") for i, h in enumerate(households)
        ]
        first = client.post(URL, json=items, headers=bank["headers"])
        assert first.status_code == 200
        assert first.json()["status"] == "committed"
        assert first.json()["stats"]["created"] == 3
        items[1]["status"] = "repaid"
        again = client.post(URL, json=items, headers=bank["headers"])
        assert again.json()["stats"] == {
            "created": 0,
            "updated": 1,
            "ignored": 2,
            "failed": 0,
            "total": 3,
        }
        assert [r["id"] for r in again.json()["results"]] == [
            r["id"] for r in first.json()["results"]
        ]
        assert saved(db, bank["agency"]["id"]) == ["G-0", "G-1", "G-2"]

    def test_validate_writes_nothing(self, client, db, bank, households, loan_policy):
        existing = support_body(households[0]["id"], loan_policy["id"], "V-0")
        client.post("/api/v1/supports", json=existing, headers=bank["headers"])
        items = [
            {**existing, "amount_vnd": 60_000_000},
            support_body(households[1]["id"], loan_policy["id"], "V-1"),
            support_body(households[1]["id"], loan_policy["id"], "V-2", amount_vnd=-3),
        ]
        response = client.post(
            URL, params={"mode": "validate"}, json=items, headers=bank["headers"]
        )
        assert response.status_code == 200
        body = response.json()
        assert body["status"] == "invalid"
        assert outcomes(body) == ["updated", "created", "failed"]
        assert saved(db, bank["agency"]["id"]) == ["V-0"]
        assert (
            db.exec(select(Support.amount_vnd).where(Support.external_ref == "V-0")).one()
            == 50_000_000
        )

    def test_limits_and_shapes(self, client, bank, households, loan_policy, settings):
        item = support_body(households[0]["id"], loan_policy["id"], "L-0")
        too_many = [item] * (settings.bulk_max_items + 1)
        response = client.post(URL, json=too_many, headers=bank["headers"])
        assert response.status_code == 422
        assert client.post(URL, json={"a": 1}, headers=bank["headers"]).status_code == 422
        raw = client.post(
            URL, content=b"[{", headers={**bank["headers"], "Content-Type": "application/json"}
        )
        assert raw.status_code == 400
        assert raw.json()["title"] == "Malformed JSON"
        xml = client.post(
            URL, content=b"<a/>", headers={**bank["headers"], "Content-Type": "application/xml"}
        )
        assert xml.status_code == 415

    def test_body_over_the_limit(self, client, bank):
        big = b"[" + b" " * (21 * 1024 * 1024) + b"]"
        response = client.post(
            URL, content=big, headers={**bank["headers"], "Content-Type": "application/json"}
        )
        assert response.status_code == 413


CSV_VI = (
    "\ufeffID hộ,Mã chính sách,Ngày hỗ trợ,Số tiền (VNĐ),Nguồn vốn,Trạng thái,Mã tham chiếu,"
    "attr.term_months,attr.interest_rate\n"
    "{h0},{code},15/03/2026,50.000.000,Tín dụng chính sách,Đã giải ngân,CSV-1,36,6.6\n"
    '{h1},{code},2026-03-16,"30,000,000",,,CSV-2,24,\n'
    "{h1},{code},16/03/2026,12.5,,,CSV-3,24,\n"
    "\n"
    "{h2},{code},31/02/2026,1000,,,CSV-4,abc,\n"
)


class TestBulkCsv:
    def csv(self, households, policy, template=CSV_VI) -> str:
        ids = {f"h{i}": h["id"] for i, h in enumerate(households)}
        return template.format(code=policy["code"], **ids)

    def test_vietnamese_headers_with_bom(self, client, db, bank, households, loan_policy):
        text = self.csv(households, loan_policy)
        response = client.post(
            URL,
            params={"atomic": "row"},
            content=text.encode("utf-8"),
            headers={**bank["headers"], "Content-Type": "text/csv; charset=utf-8"},
        )
        assert response.status_code == 200, response.text
        body = response.json()
        assert outcomes(body) == ["created", "created", "failed", "failed"]
        assert [r["line"] for r in body["results"]] == [2, 3, 4, 6]
        assert body["results"][2]["errors"][0]["pointer"] == "/amount_vnd"
        pointers = sorted(e["pointer"] for e in body["results"][3]["errors"])
        assert pointers == ["/delivered_on"]
        rows = db.exec(
            select(Support)
            .where(Support.agency_id == bank["agency"]["id"])
            .order_by(Support.external_ref)
        ).all()
        assert [
            (r.external_ref, r.amount_vnd, r.delivered_on.isoformat(), r.status) for r in rows
        ] == [
            ("CSV-1", 50_000_000, "2026-03-15", "delivered"),
            ("CSV-2", 30_000_000, "2026-03-16", "delivered"),
        ]
        assert rows[0].attributes == {"term_months": 36, "interest_rate": 6.6}
        assert rows[1].attributes == {"term_months": 24}

    def test_english_headers_as_multipart_file(self, client, db, bank, households, loan_policy):
        text = (
            "household_id,policy_code,delivered_on,amount_vnd,external_ref,attributes\n"
            f"{households[0]['id']},{loan_policy['code']},2026-01-02,1000000,E-1,"
            '"{""term_months"": 12}"\n'
        )
        response = client.post(
            URL,
            files={"file": ("supports.csv", text.encode(), "text/csv")},
            headers=bank["headers"],
        )
        assert response.status_code == 200, response.text
        assert response.json()["stats"]["created"] == 1

    def test_other_encodings_refused(self, client, bank, households, loan_policy):
        text = self.csv(households, loan_policy).lstrip("\ufeff")
        windows_1258 = text.encode("cp1258", errors="replace")  # what Excel saves there
        for encoded in (windows_1258, text.encode("utf-16")):
            response = client.post(
                URL, content=encoded, headers={**bank["headers"], "Content-Type": "text/csv"}
            )
            assert response.status_code == 422, response.text
            assert "UTF" in response.json()["detail"]
        latin = client.post(
            URL,
            content=text.encode(),
            headers={**bank["headers"], "Content-Type": "text/csv; charset=latin-1"},
        )
        assert latin.status_code == 415

    def test_missing_and_unknown_columns(self, client, db, bank, households, loan_policy):
        missing = "household_id,delivered_on,amount_vnd\nhh_x,2026-01-01,5\n"
        response = client.post(
            URL, content=missing.encode(), headers={**bank["headers"], "Content-Type": "text/csv"}
        )
        assert response.status_code == 422
        assert "policy_id or policy_code" in response.json()["detail"]
        assert "external_ref" in response.json()["detail"]
        unknown = (
            "household_id,policy_id,delivered_on,amount_vnd,external_ref,colour\n"
            "hh_x,p,2026-01-01,5,r,red\n"
        )
        response = client.post(
            URL, content=unknown.encode(), headers={**bank["headers"], "Content-Type": "text/csv"}
        )
        assert response.status_code == 422
        assert "colour" in response.json()["detail"]
        assert saved(db, bank["agency"]["id"]) == []
