"""Operations: JSON log lines with the request id, Prometheus metrics, /readyz."""

import json
import logging

from fastapi.testclient import TestClient
from sqlalchemy import create_engine

from api.core.observability import JsonFormatter, configure_logging
from api.main import create_app
from tests.conftest import make_settings


def metric(text: str, name: str, **labels) -> float:
    """The value of one sample in Prometheus text format."""
    wanted = ",".join(f'{k}="{v}"' for k, v in sorted(labels.items()))
    for line in text.splitlines():
        if line.startswith("#"):
            continue
        sample, _, value = line.rpartition(" ")
        metric_name, _, rest = sample.partition("{")
        found = ",".join(sorted(rest.rstrip("}").split(","))) if rest else ""
        if metric_name == name and found == wanted:
            return float(value)
    raise AssertionError(f"no sample {name}{{{wanted}}}")


class TestRequestLog:
    def test_one_line_per_request_with_template_status_duration_and_ids(
        self, client, admin, caplog, tree
    ):
        caplog.set_level(logging.INFO, logger="giamngheo.access")
        household = "/api/v1/households/hh_nope?q=Nguy%E1%BB%85n&purpose=secret"
        response = client.get(household, headers={**admin, "X-Request-ID": "req-123"})
        assert response.headers["X-Request-ID"] == "req-123"
        [record] = [r for r in caplog.records if r.name == "giamngheo.access"][-1:]
        assert (record.method, record.route, record.status) == (
            "GET",
            "/api/v1/households/{household_id}",
            404,
        )
        assert record.principal_id.startswith("usr_") and record.duration_ms > 0
        line = JsonFormatter().format(record)
        entry = json.loads(line)
        assert "\n" not in line
        assert set(entry) >= {
            "time",
            "level",
            "logger",
            "message",
            "method",
            "route",
            "status",
            "duration_ms",
            "principal_id",
        }
        assert "secret" not in line and "hh_nope" not in line and "Bearer" not in line

    def test_the_formatter_adds_the_request_id_and_extras(self):
        from api.core.context import request_id_var

        token = request_id_var.set("abc123")
        try:
            record = logging.LogRecord(
                "giamngheo.x", logging.WARNING, "", 0, "hello %s", ("vn",), None
            )
            record.household_count = 3
            entry = json.loads(JsonFormatter().format(record))
        finally:
            request_id_var.reset(token)
        assert entry["message"] == "hello vn" and entry["request_id"] == "abc123"
        assert (entry["level"], entry["logger"], entry["household_count"]) == (
            "WARNING",
            "giamngheo.x",
            3,
        )

    def test_configure_logging_installs_one_json_handler_and_quiets_httpx(self):
        root = logging.getLogger()
        before = list(root.handlers), root.level
        try:
            configure_logging("INFO", "json")
            configure_logging("INFO", "json")  # twice: still one handler
            ours = [h for h in root.handlers if h.get_name() == "giamngheo"]
            assert len(ours) == 1 and isinstance(ours[0].formatter, JsonFormatter)
            assert logging.getLogger("httpx").level == logging.WARNING
        finally:
            for handler in [h for h in root.handlers if h.get_name() == "giamngheo"]:
                root.removeHandler(handler)
            root.setLevel(before[1])


class TestMetrics:
    def test_requests_and_latencies_by_route_template(self, client, admin):
        first = client.get("/metrics").text
        before = _sample(
            first,
            "giamngheo_http_requests_total",
            method="GET",
            route="/api/v1/households",
            status="200",
        )
        for _ in range(3):
            assert client.get("/api/v1/households", headers=admin).status_code == 200
        text = client.get("/metrics").text
        assert (
            metric(
                text,
                "giamngheo_http_requests_total",
                method="GET",
                route="/api/v1/households",
                status="200",
            )
            == before + 3
        )
        assert (
            metric(
                text,
                "giamngheo_http_request_duration_seconds_count",
                method="GET",
                route="/api/v1/households",
            )
            >= 3
        )
        assert metric(text, "giamngheo_webhook_backlog") == 0
        assert "giamngheo_import_jobs" in text
        assert "hh_" not in text and "usr_" not in text  # aggregates only

    def test_the_backlog_counts_pending_deliveries(self, client, bank, db):
        endpoint = client.post(
            "/api/v1/webhooks",
            json={"url": "http://127.0.0.1:9/h", "event_types": ["*"]},
            headers=bank["headers"],
        ).json()
        for _ in range(2):
            client.post(f"/api/v1/webhooks/{endpoint['id']}/test", headers=bank["headers"])
        text = client.get("/metrics").text
        assert metric(text, "giamngheo_webhook_backlog") == 2
        assert metric(text, "giamngheo_webhook_backlog_oldest_seconds") < 60

    def test_a_metrics_token_closes_the_endpoint(self, database_url, engine, session_factory):
        settings = make_settings(database_url, metrics_token="metrics-secret-123")
        app = create_app(settings, engine=engine, session_factory=session_factory, with_web=False)
        with TestClient(app) as http:
            closed = http.get("/metrics")
            assert closed.status_code == 401
            assert closed.headers["content-type"] == "application/problem+json"
            opened = http.get("/metrics", headers={"Authorization": "Bearer metrics-secret-123"})
            assert opened.status_code == 200
            assert opened.headers["content-type"].startswith("text/plain")


def _sample(text: str, name: str, **labels) -> float:
    try:
        return metric(text, name, **labels)
    except AssertionError:
        return 0.0


class TestReadiness:
    def test_ready_when_the_database_answers_at_the_migration_head(self, client, app):
        answer = client.get("/readyz")
        assert answer.status_code == 200
        assert answer.json() == {
            "status": "ok",
            "database": "ok",
            "migration": sorted(app.state.migration_heads),
        }
        assert client.get("/healthz").json() == {"status": "ok"}

    def test_not_ready_behind_the_head_or_without_a_database(
        self, database_url, engine, session_factory
    ):
        app = create_app(
            make_settings(database_url),
            engine=engine,
            session_factory=session_factory,
            with_web=False,
        )
        app.state.migration_heads = frozenset({"9999"})
        with TestClient(app) as http:
            behind = http.get("/readyz")
            assert behind.status_code == 503
            assert behind.json()["expected"] == ["9999"]
        gone = create_engine("postgresql+psycopg://nobody@127.0.0.1:1/none")
        app = create_app(make_settings(database_url), engine=gone, with_web=False)
        with TestClient(app) as http:
            down = http.get("/readyz")
            assert (down.status_code, down.json()["database"]) == (503, "unreachable")
        gone.dispose()
