"""The load-and-fault run (bench/fault_test.py) at a small size: gunicorn with 4 workers,
32 simulated people for 15 s, two workers killed with SIGKILL; nothing acknowledged may be
lost. On SQLite always, on PostgreSQL when configured (and always under CI=true)."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import require_postgres

SCRIPT = Path(__file__).resolve().parents[2] / "bench" / "fault_test.py"


@pytest.mark.postgres
def test_fault_run_loses_nothing(db_backend):
    if db_backend == "postgresql":
        require_postgres()
    done = subprocess.run(  # this interpreter and our own script
        [sys.executable, str(SCRIPT), "--backend", db_backend, "--seconds", "15",
         "--users", "32", "--workers", "4", "--kills", "2", "--json"],
        capture_output=True, text=True, timeout=240, check=False)
    lines = done.stdout.strip().splitlines()
    assert lines, done.stderr[-3000:]
    figures = json.loads(lines[-1])
    report = "\n".join(lines[:-1]) + "\n" + done.stderr[-2000:]
    assert figures["lost"] == 0, report
    assert figures["errors_5xx"] == 0, report
    assert figures["killed"] == 2, report
    assert figures["duplicates"] == 0 and figures["audit_mismatches"] == 0, report
    assert figures["integrity"] == "ok" and figures["foreign_key_violations"] == 0, report
    # the run did real work of every kind
    for kind in ("acked_tickets", "acked_signs", "acked_claims", "acked_judgements"):
        assert figures[kind] > 0, (kind, report)
    assert figures["ok"] and done.returncode == 0, report
    print(report)
