"""The benchmark harness at a small size: 2,000 tickets, a second or two per page, against a
real gunicorn on 127.0.0.1 — wrk when installed, else the Python driver. It checks that the
harness works (every page measured, nothing failed), never how fast anything is."""
import json

import pytest

from bench import config as bench_config
from bench import run
from bench.generate import drop_database

from ..conftest import require_postgres

pytestmark = [pytest.mark.bench, pytest.mark.postgres]


def test_small_benchmark_measures_every_page(db_backend, tmp_path, request):
    out = tmp_path / "bench.json"
    argv = ["--tickets", "2000", "--small", "0", "--sweep", "", "--connections", "8",
            "--duration", "1", "--warmup", "0.2", "--singles", "1",
            "--export-rows", "1000", "--data-dir", str(tmp_path), "--out", str(out),
            "--backends", db_backend]
    if db_backend == "postgresql":
        base = require_postgres()
        argv += ["--postgres-url", base]
        request.addfinalizer(lambda: drop_database(bench_config.postgres_url(base, 2000)))
    run.main(argv)

    report = json.loads(out.read_text())["backends"][db_backend]
    assert set(report["endpoints"]) == set(run.ENDPOINTS)
    for name, page in report["endpoints"].items():
        assert page["requests"] > 0, name
        assert page["s5"] == 0, name
        assert page["s2"] > 0, name
    export = report["export"]
    assert export["status"] == 200
    assert export["rows"] == export["expected_rows"] > 0
    assert report["datasets"]["2000"]["rows"]["audit_entries"] > 2000
    assert all(mb > 0 for mb in report["worker_rss_mb"])
    assert report["workers"] == 2   # make run's count
    printed = run.table(db_backend, report)
    assert "× healthz  cpu ms" in printed
    assert f"quality throughput ≥ 0.1 × healthz: {report['endpoints']['quality']['ratio']}  " \
           f"(CPU {report['endpoints']['quality']['cpu_ms']} ms a request; /healthz " in printed


def test_the_targets_are_measured_at_make_runs_worker_count(monkeypatch):
    """The sweep is information: a run measures its table at ZIKONG_WORKERS (make run's
    count, 2 by default) whichever count the sweep prefers, and says so."""
    monkeypatch.delenv("ZIKONG_WORKERS", raising=False)
    assert run.parse([]).workers == 2 and run.parse([]).sweep == [2, 3, 4]
    monkeypatch.setenv("ZIKONG_WORKERS", "3")
    assert run.parse([]).workers == 3
    assert run.parse(["--sweep", ""]).sweep == []
    floor = {"rps": 1000.0, "p50_ms": 1.0, "p99_ms": 2.0, "ratio": 1.0, "cpu_ms": 0.3,
             "s5": 0, "driver": "wrk"}
    report = {"datasets": {"2000": {"seconds": 1}}, "workers": 2, "loadavg_before": [1.0],
              "loadavg_after": [1.0], "worker_rss_mb": [80.0], "sweep_best": 3,
              "worker_sweep": {"2": {"score": 900.0}, "3": {"score": 950.0}},
              "endpoints": {"healthz": floor,
                            "quality": {**floor, "rps": 120.0, "ratio": 0.12, "cpu_ms": 3.8}}}
    report["targets"] = {"quality throughput ≥ 0.1 × healthz": {
        "value": 0.12, "limit": 0.1, "ok": True, "cpu_ms": 3.8, "floor_cpu_ms": 0.3}}
    printed = run.table("sqlite", report)
    assert "2 sync workers" in printed
    assert "→ best 3; the table is at 2, make run's count" in printed
    assert "[ok] quality throughput ≥ 0.1 × healthz: 0.12  (CPU 3.8 ms a request; " \
           "/healthz 0.3)" in printed


def test_bench_schema_is_its_own():
    """On PostgreSQL the bench works in a schema of its own, never in the tables of the
    database it is pointed at."""
    url = bench_config.postgres_url("postgresql+psycopg://u:p@127.0.0.1:5432/zikong", 2000)
    assert url.endswith("?options=-csearch_path%3Dzikong_bench_2000")
