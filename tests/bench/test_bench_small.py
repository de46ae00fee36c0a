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
    argv = ["--tickets", "2000", "--small", "0", "--workers", "2", "--connections", "8",
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


def test_bench_schema_is_its_own():
    """On PostgreSQL the bench works in a schema of its own, never in the tables of the
    database it is pointed at."""
    url = bench_config.postgres_url("postgresql+psycopg://u:p@127.0.0.1:5432/zikong", 2000)
    assert url.endswith("?options=-csearch_path%3Dzikong_bench_2000")
