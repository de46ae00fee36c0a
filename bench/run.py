"""The Zikong benchmark: years of data, a whole floor polling.

    .venv/bin/python -m bench.run [--tickets 200000] [--postgres-url URL] …

For each database (SQLite always; PostgreSQL when --postgres-url, BENCH_POSTGRES_URL or a
PostgreSQL ZIKONG_DATABASE_URL is given): generate the dataset (bench/generate.py) and a
small one, serve it with gunicorn as the README deploys it (sync workers, no control
socket, 127.0.0.1 only), sign in as the people of a floor, and measure every page under
load, a single request of each, the scale ratio (queue p50 at N ÷ at the small size), the
XLSX export of 100,000 rows with the worker's memory, and the workers' memory after the
run. Prints one table per database and writes the same to bench/results/*.json.
"""
import argparse
import json
import math
import os
import platform
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import sqlalchemy as sa

if __package__ in (None, ""):  # python bench/run.py
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import config as bench_config  # noqa: E402
from bench import driver  # noqa: E402
from bench.generate import generate  # noqa: E402

HOST = "127.0.0.1"

#: name → (persona, paths, extra headers); "{tickets}" and "{search}" are filled per dataset.
ENDPOINTS = {
    "healthz": (None, ["/healthz"], {}),
    "quality": ("checker", ["/quality"], {}),
    "review": ("lead", ["/review"], {}),
    "ticket": ("checker", "{tickets}", {}),
    # What htmx sends for the bell's `every 30s` poll: the element reloading itself.
    "bell": ("agent", ["/alerts/bell"], {"HX-Request": "true", "HX-Trigger": "bell",
                                         "HX-Target": "bell", "HX-Current-URL": "/"}),
    "dashboard": ("owner", ["/reports?period=month&by=team"], {}),
    "search": ("checker", "{search}", {}),
    # The floor's big screen polling its board (htmx `every 60s`), many screens at once.
    "wallboard": ("manager", ["/wallboard"], {"HX-Request": "true", "HX-Trigger": "board",
                                              "HX-Target": "board"}),
}
LABELS = {"healthz": "/healthz (the floor)", "quality": "/quality (checker queue)",
          "review": "/review (lead queue)", "ticket": "/tickets/<id>",
          "bell": "/alerts/bell (htmx)", "dashboard": "/reports month by team",
          "search": "/quality?q=<a customer number>", "wallboard": "/wallboard (htmx poll)"}
SWEEP = ("healthz", "quality", "ticket", "bell")
#: The width of the tables' first column: the longest page label and a space.
LABEL_WIDTH = max(map(len, LABELS.values())) + 1

TARGETS = {
    "page_ratio": 0.10, "page_p99_ms": 100.0, "bell_ratio": 0.50, "dashboard_ms": 200.0,
    "scale": 1.3, "export_seconds": 20.0, "export_growth_mb": 60.0, "worker_rss_mb": 150.0,
}


def log(*parts):
    print(*parts, file=sys.stderr, flush=True)


# --- the server ------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


class Server:
    """gunicorn as deployed: `gunicorn --workers N --no-control-socket "app:create_app()"`."""

    def __init__(self, url: str, workers: int, logfile: Path):
        self.url, self.workers, self.port = url, workers, free_port()
        env = {**os.environ, "ZIKONG_DATABASE_URL": url,
               "ZIKONG_SECRET_KEY": bench_config.APP_CONFIG["SECRET_KEY"],
               "ZIKONG_LOG_LEVEL": "WARNING"}
        gunicorn = Path(sys.executable).with_name("gunicorn")
        logfile.parent.mkdir(parents=True, exist_ok=True)
        self.log = open(logfile, "ab")
        self.proc = subprocess.Popen(
            [str(gunicorn), "--bind", f"{HOST}:{self.port}", "--workers", str(workers),
             "--no-control-socket", "app:create_app()"],
            cwd=bench_config.ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 60
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited ({self.proc.returncode}); see {logfile}")
            try:
                if driver.fetch(HOST, self.port, "/healthz", timeout=2)[0] == 200 and \
                        len(self.worker_pids()) == workers:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"gunicorn did not answer; see {logfile}")

    def worker_pids(self) -> list[int]:
        master = self.proc.pid
        try:
            text = Path(f"/proc/{master}/task/{master}/children").read_text()
            return [int(p) for p in text.split()]
        except OSError:
            pids = []
            for stat in Path("/proc").glob("[0-9]*/stat"):
                try:
                    fields = stat.read_text().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                if int(fields[1]) == master:
                    pids.append(int(stat.parent.name))
            return pids

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def memory(pid: int) -> dict:
    """VmRSS and VmHWM (peak) of a process, in MB."""
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(("VmRSS:", "VmHWM:")):
            key, value = line.split(":", 1)
            values[key] = int(value.split()[0]) / 1024
    return values


def cpu_seconds(pids) -> float:
    """User + system CPU time of these processes so far."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def settle(server, timeout: float = 60) -> None:
    """Wait until the workers are idle: requests a driver abandoned at its deadline are still
    being served from the listen queue, and must not be counted against the next page."""
    pids = server.worker_pids()
    deadline = time.time() + timeout
    last = cpu_seconds(pids)
    while time.time() < deadline:
        time.sleep(0.3)
        now = cpu_seconds(pids)
        if now - last < 0.02:
            return
        last = now


def reset_peak(pid: int) -> bool:
    """Reset a process's VmHWM to its current RSS (Linux: clear_refs 5)."""
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
        return True
    except OSError:
        return False


# --- the dataset's facts ---------------------------------------------------------------------

def facts(url: str, export_rows: int, timezone: str) -> dict:
    """What the driver asks for: tickets the checker may see (open work and history), last
    four digits of customer numbers in the queue, and the export's date range."""
    engine = sa.create_engine(url)
    zone = ZoneInfo(timezone)
    with engine.connect() as conn:
        open_ids = [r[0] for r in conn.execute(sa.text(
            "SELECT id FROM tickets WHERE state IN ('handed_over', 'verifying', 'judged') "
            "AND handed_over_at IS NOT NULL ORDER BY id DESC LIMIT 25"))]
        total = conn.execute(sa.text("SELECT MAX(id) FROM tickets")).scalar() or 0
        step = max(1, total // 30)
        old_ids = [r[0] for r in conn.execute(sa.text(
            "SELECT id FROM tickets WHERE handed_over_at IS NOT NULL AND id % :step = 0 "
            "ORDER BY id LIMIT 25"), {"step": step})]
        # a customer is found by the whole number only (issue 14)
        phones = sorted({r[0] for r in conn.execute(sa.text(
            "SELECT caller_number FROM tickets WHERE state IN ('handed_over', 'verifying') "
            "ORDER BY id DESC LIMIT 20"))})
        visible = conn.execute(sa.text(
            "SELECT COUNT(*) FROM tickets WHERE handed_over_at IS NOT NULL")).scalar()
        offset = max(0, min(export_rows, visible) - 1)
        oldest = conn.execute(sa.text(
            "SELECT created_at FROM tickets WHERE handed_over_at IS NOT NULL "
            "ORDER BY created_at DESC LIMIT 1 OFFSET :n"), {"n": offset}).scalar()
        if isinstance(oldest, str):
            oldest = datetime.fromisoformat(oldest)
        now = datetime.now(UTC)
        first = oldest.replace(tzinfo=UTC).astimezone(zone).date() if oldest else \
            now.astimezone(zone).date()
        last = now.astimezone(zone).date()

        def edge(day):
            return datetime.combine(day, datetime.min.time(), tzinfo=zone) \
                .astimezone(UTC).replace(tzinfo=None)

        rows = conn.execute(sa.text(
            "SELECT COUNT(*) FROM tickets WHERE handed_over_at IS NOT NULL "
            "AND created_at >= :a AND created_at < :b"),
            {"a": edge(first), "b": edge(last + timedelta(days=1))}).scalar()
    engine.dispose()
    return {"tickets": [f"/tickets/{i}" for i in open_ids + old_ids],
            "search": [f"/quality?q={p}" for p in phones] or ["/quality?q=13812345678"],
            "export": {"from": first.isoformat(), "to": last.isoformat(), "rows": rows}}


# --- measuring -------------------------------------------------------------------------------

class Session:
    """Signed-in people of one server."""

    def __init__(self, server: Server):
        self.server = server
        self.cookies = {}

    def renew(self):
        """Sign everyone in again. A browser stores the session cookie the server re-sends
        when it records "last seen" (once a minute); the load drivers replay one cookie, so
        a cookie older than a minute would have every answer carry a freshly signed cookie
        — work a real floor never asks for. Called before each page is measured."""
        self.cookies.clear()

    def headers(self, persona, extra):
        if persona is None:
            return dict(extra)
        if persona not in self.cookies:
            self.cookies[persona] = driver.sign_in(
                HOST, self.server.port, bench_config.PERSONAS[persona], bench_config.PASSWORD)
        return {"Cookie": self.cookies[persona], **extra}


def endpoint_paths(name, dataset_facts):
    paths = ENDPOINTS[name][1]
    if isinstance(paths, str):
        return dataset_facts[paths.strip("{}")]
    return paths


def check_pages(session: Session, dataset_facts, names):
    """Every page answers 200 for its person before any load (not a sign-in redirect)."""
    for name in names:
        persona, _paths, extra = ENDPOINTS[name]
        path = endpoint_paths(name, dataset_facts)[0]
        status, _s, _n = driver.fetch(HOST, session.server.port, path,
                                      session.headers(persona, extra))
        if status != 200:
            raise RuntimeError(f"{path} as {persona} answered {status}")


def measure(session: Session, dataset_facts, names, *, duration, connections, max_requests,
            driver_name, threads, singles=0, warmup=1.0, rounds=1) -> dict:
    """Each page under load, `rounds` times in turn; a page's figures are those of its
    round with the most requests/s. Other work on a shared machine only ever slows a
    measurement down, so the least disturbed round is the nearest to what the code costs,
    and every page (the floor included) is judged the same way."""
    samples = {name: [] for name in names}
    for round_no in range(rounds):
        for name in names:
            result = _measure_one(session, dataset_facts, name, duration=duration,
                                  connections=connections, max_requests=max_requests,
                                  driver_name=driver_name, threads=threads, warmup=warmup)
            samples[name].append(result)
            log(f"    {name:<10} {result['rps']:>8.1f} req/s  p50 {result['p50_ms']:>7.1f} ms  "
                f"p99 {result['p99_ms']:>7.1f} ms  cpu {result['cpu_ms']:>6.2f} ms/req  "
                f"5xx {result['s5']}  non-2xx "
                f"{result['s3'] + result['s4'] + result['s5']}"
                + (f"  (round {round_no + 1})" if rounds > 1 else ""))
    results = {}
    for name, runs in samples.items():
        best = dict(max(runs, key=lambda r: r["rps"]))
        if rounds > 1:
            best["rounds_rps"] = [r["rps"] for r in runs]
            # Answers of every round count: a 5xx in the round not kept still shows.
            for key in ("s2", "s3", "s4", "s5"):
                best[f"{key}_all_rounds"] = sum(r[key] for r in runs)
        if singles:
            persona, _paths, extra = ENDPOINTS[name]
            best["single"] = driver.single(HOST, session.server.port,
                                           endpoint_paths(name, dataset_facts),
                                           session.headers(persona, extra), singles)
        results[name] = best
    floor = results.get("healthz")
    if floor and len(names) > 1 and rounds == 1:
        # The floor again, after the pages: one disturbed measurement of the cheapest answer
        # (other work on a shared machine) would flatter every ratio, so the higher counts.
        again = _measure_one(session, dataset_facts, "healthz", duration=duration,
                             connections=connections, max_requests=max_requests,
                             driver_name=driver_name, threads=threads, warmup=warmup)
        floor["floor_rps"] = [floor["rps"], again["rps"]]
        floor["rps"] = max(floor["floor_rps"])
    elif floor and rounds > 1:
        floor["floor_rps"] = floor["rounds_rps"]
    base = floor["rps"] if floor else 0
    for result in results.values():
        result["ratio"] = round(result["rps"] / base, 3) if base else None
    return results


def _measure_one(session: Session, dataset_facts, name, *, duration, connections,
                 max_requests, driver_name, threads, warmup) -> dict:
    persona, _paths, extra = ENDPOINTS[name]
    paths = endpoint_paths(name, dataset_facts)
    session.renew()
    headers = session.headers(persona, extra)
    port = session.server.port
    if warmup:
        driver.load(HOST, port, paths, headers, duration=warmup, connections=connections,
                    max_requests=max_requests, driver=driver_name, threads=threads)
        settle(session.server)
    pids = session.server.worker_pids()
    cpu = cpu_seconds(pids)
    result = driver.load(HOST, port, paths, headers, duration=duration,
                         connections=connections, max_requests=max_requests,
                         driver=driver_name, threads=threads)
    settle(session.server)
    # wrk stops with one request in flight per connection, which the workers still
    # serve (and spend CPU on) after it has gone; the Python driver finishes its own.
    served = result["requests"] + (connections if result["driver"] == "wrk" else 0)
    result["cpu_ms"] = round((cpu_seconds(pids) - cpu) * 1000 / max(served, 1), 2)
    result["persona"] = persona
    result["path"] = paths[0] if len(paths) == 1 else f"{paths[0]} … ({len(paths)} paths)"
    return result


def measure_export(session: Session, dataset_facts) -> dict:
    """The submission table of ~100,000 rows as a duty manager: time, rows, and the peak
    memory growth of the worker that built it (VmHWM after − VmRSS before)."""
    server = session.server
    export = dataset_facts["export"]
    path = f"/tickets/export.xlsx?from={export['from']}&to={export['to']}"
    headers = session.headers("manager", {})
    pids = server.worker_pids()
    before = {pid: memory(pid) for pid in pids}
    peak_reset = all(reset_peak(pid) for pid in pids)
    with tempfile.TemporaryFile() as body:
        status, seconds, size = driver.fetch(HOST, server.port, path, headers, timeout=300,
                                             sink=body)
        after = {pid: memory(pid) for pid in pids}
        rows = count_xlsx_rows(body) if status == 200 else 0
    baseline = {pid: before[pid]["VmRSS"] if peak_reset else before[pid]["VmHWM"]
                for pid in pids}
    growth = {pid: after[pid]["VmHWM"] - baseline[pid] for pid in pids}
    worker = max(growth, key=growth.get)
    return {"path": path, "status": status, "seconds": round(seconds, 2), "bytes": size,
            "rows": rows, "expected_rows": export["rows"], "worker": worker,
            "rss_before_mb": round(before[worker]["VmRSS"], 1),
            "peak_mb": round(after[worker]["VmHWM"], 1),
            "growth_mb": round(growth[worker], 1), "peak_reset": peak_reset}


def count_xlsx_rows(body) -> int:
    """Data rows of the first sheet (the header row not counted), read as a stream."""
    body.seek(0)
    count, tail = 0, b""
    with zipfile.ZipFile(body) as book:
        name = next(n for n in book.namelist() if n.startswith("xl/worksheets/"))
        with book.open(name) as sheet:
            while chunk := sheet.read(1 << 20):
                data = tail + chunk
                count += data.count(b"<row ") + data.count(b"<row>")
                tail = data[-5:]
                count -= tail.count(b"<row ") + tail.count(b"<row>")
            count += tail.count(b"<row ") + tail.count(b"<row>")
    return max(0, count - 1)


def worker_memory(server: Server) -> list[float]:
    return [round(memory(pid)["VmRSS"], 1) for pid in server.worker_pids()]


# --- one database ----------------------------------------------------------------------------

def dataset(url, tickets, args) -> dict:
    if args.reuse:
        info = existing(url, tickets)
        if info:
            log(f"  reusing the {tickets:,}-ticket dataset generated at {info['generated_at']}")
            return {**info, "reused": True}
    log(f"  generating {tickets:,} tickets …")
    info = generate(url, tickets, seed=args.seed, echo=log)
    log(f"  {tickets:,} tickets in {info['seconds']} s")
    return info


def existing(url, tickets):
    """The dataset already at `url`, when it has this size and is less than 6 hours old."""
    try:
        engine = sa.create_engine(url)
        with engine.connect() as conn:
            raw = conn.execute(sa.text(
                "SELECT value FROM settings WHERE key = 'bench_dataset'")).scalar()
        engine.dispose()
    except sa.exc.SQLAlchemyError:
        return None
    info = json.loads(raw) if raw else None
    if not info or info.get("tickets") != tickets:
        return None
    age = datetime.now(UTC).replace(tzinfo=None) - datetime.fromisoformat(info["generated_at"])
    return info if age < timedelta(hours=6) else None


def run_backend(backend: str, urls: dict, args, logdir: Path) -> dict:
    big, small = args.tickets, args.small
    scale = bool(small) and small < big
    log(f"[{backend}]")
    report = {"datasets": {str(big): dataset(urls[big], big, args)}}
    # Other work on the machine skews requests/s; the workers' CPU time per request does not
    # move much with it. Both are recorded, with the load average around the measurements.
    report["loadavg_before"] = [round(x, 2) for x in os.getloadavg()]
    if scale:
        report["datasets"][str(small)] = dataset(urls[small], small, args)
    timezone = os.environ.get("ZIKONG_TIMEZONE", "Asia/Shanghai")
    big_facts = facts(urls[big], args.export_rows, timezone)
    report["facts"] = {"export": big_facts["export"], "ticket_pages": len(big_facts["tickets"]),
                       "searches": [p.split("=")[1] for p in big_facts["search"]]}
    load_args = {"connections": args.connections, "max_requests": args.max_requests,
                 "driver_name": args.driver, "threads": args.threads, "warmup": args.warmup}

    # The targets are measured at make run's worker count; the sweep is information only
    # (it picked 3 workers on noise once, and the targets were measured there).
    workers = args.workers
    if args.sweep:
        report["sweep_best"], report["worker_sweep"] = sweep_workers(
            urls[big], big_facts, args, load_args, logdir / f"gunicorn-{backend}.log")
        log(f"  sweep: best {report['sweep_best']} workers; measuring at {workers}")
    report["workers"] = workers

    names = list(ENDPOINTS)
    log(f"  {big:,} tickets, {workers} workers, {args.connections} connections, "
        f"{args.duration:g} s per page")
    logfile = logdir / f"gunicorn-{backend}.log"
    with Server(urls[big], workers, logfile) as server:
        session = Session(server)
        check_pages(session, big_facts, names)
        report["endpoints"] = measure(session, big_facts, names, duration=args.duration,
                                      singles=args.singles, rounds=args.rounds, **load_args)
        report["rounds"] = args.rounds
        log("  export …")
        report["export"] = measure_export(session, big_facts)
        log(f"    {report['export']['rows']:,} rows in {report['export']['seconds']} s, "
            f"worker peak +{report['export']['growth_mb']} MB")
        report["worker_rss_mb"] = worker_memory(server)
        if scale:
            small_facts = facts(urls[small], args.export_rows, timezone)
            log(f"  {small:,} tickets (scale) …")
            with Server(urls[small], workers, logfile) as small_server:
                small_session = Session(small_server)
                check_pages(small_session, small_facts, names)
                report["small_endpoints"] = measure(small_session, small_facts, names,
                                                    duration=args.duration, **load_args)
                report["scale"] = scale_ratio(session, big_facts, small_session, small_facts,
                                              args, load_args)
            report["scale"]["pages"] = {
                name: round(report["endpoints"][name]["p50_ms"] /
                            report["small_endpoints"][name]["p50_ms"], 2)
                if report["small_endpoints"][name]["p50_ms"] else None for name in names}
    report["loadavg_after"] = [round(x, 2) for x in os.getloadavg()]
    report["targets"] = judge(report)
    return report


def sweep_workers(url, dataset_facts, args, load_args, logfile) -> tuple[int, dict]:
    """Which worker count serves the floor best: each count in turn, round after round (so
    other work on the machine weighs on all alike); the score of a round is the geometric
    mean of requests/s over the sweep pages, a count's score the median of its rounds."""
    log(f"  worker sweep ({', '.join(map(str, args.sweep))} sync workers, "
        f"{args.sweep_rounds} rounds, {args.sweep_duration:g} s per page) …")
    rounds = {n: [] for n in args.sweep}
    for round_no in range(args.sweep_rounds):
        for n in args.sweep:
            with Server(url, n, logfile) as server:
                session = Session(server)
                check_pages(session, dataset_facts, SWEEP)
                log(f"   round {round_no + 1}, {n} workers")
                res = measure(session, dataset_facts, SWEEP, duration=args.sweep_duration,
                              **load_args)
            score = math.exp(sum(math.log(max(r["rps"], 0.1)) for r in res.values()) / len(res))
            rounds[n].append({"score": round(score, 1),
                              **{k: {"rps": r["rps"], "p50_ms": r["p50_ms"],
                                     "p99_ms": r["p99_ms"], "cpu_ms": r["cpu_ms"]}
                                 for k, r in res.items()}})
    sweep = {str(n): {"score": round(statistics.median(r["score"] for r in rs), 1), "rounds": rs}
             for n, rs in rounds.items()}
    best = max(args.sweep, key=lambda n: sweep[str(n)]["score"])
    return best, sweep


def scale_ratio(big_session, big_facts, small_session, small_facts, args, load_args) -> dict:
    """The checker queue's p50 at N tickets over its p50 at the small size: both servers up,
    measured in turn (big, small, small, big …, --sweep-duration seconds each) so that other
    work on the machine weighs on both alike; the medians of the rounds, and the workers'
    CPU per request the same way."""
    rounds = {"big": [], "small": []}
    sides = [("big", big_session, big_facts), ("small", small_session, small_facts)]
    for round_no in range(args.scale_rounds):
        for key, session, dataset_facts in sides if round_no % 2 == 0 else sides[::-1]:
            r = measure(session, dataset_facts, ["quality"], duration=args.sweep_duration,
                        **load_args)["quality"]
            rounds[key].append(r)

    def median(key, field):
        return statistics.median(r[field] for r in rounds[key])

    big_p50, small_p50 = median("big", "p50_ms"), median("small", "p50_ms")
    big_cpu, small_cpu = median("big", "cpu_ms"), median("small", "cpu_ms")
    return {"small": args.small, "big": args.tickets, "rounds": args.scale_rounds,
            "queue_p50_big_ms": big_p50, "queue_p50_small_ms": small_p50,
            "ratio": round(big_p50 / small_p50, 3) if small_p50 else None,
            "queue_cpu_big_ms": big_cpu, "queue_cpu_small_ms": small_cpu,
            "cpu_ratio": round(big_cpu / small_cpu, 3) if small_cpu else None,
            "samples": {k: [(r["p50_ms"], r["cpu_ms"]) for r in v] for k, v in rounds.items()}}


def judge(report) -> dict:
    """Each target of the issue: the figure, the limit, and whether it holds."""
    t, e, checks = TARGETS, report["endpoints"], {}

    def check(name, value, limit, below=True, page=None):
        ok = value is not None and (value <= limit if below else value >= limit)
        checks[name] = {"value": value, "limit": limit, "ok": ok}
        if page is not None:  # a ratio to the floor: what the page and the floor cost
            checks[name].update(cpu_ms=e[page].get("cpu_ms"),
                                floor_cpu_ms=e["healthz"].get("cpu_ms"))

    for name in ("quality", "review", "ticket", "search", "wallboard"):
        check(f"{name} throughput ≥ {t['page_ratio']} × healthz", e[name]["ratio"],
              t["page_ratio"], below=False, page=name)
        check(f"{name} p99 ≤ {t['page_p99_ms']:g} ms", e[name]["p99_ms"], t["page_p99_ms"])
    check(f"bell throughput ≥ {t['bell_ratio']} × healthz", e["bell"]["ratio"],
          t["bell_ratio"], below=False, page="bell")
    if "single" in e["dashboard"]:
        check(f"dashboard single request median ≤ {t['dashboard_ms']:g} ms",
              e["dashboard"]["single"]["p50_ms"], t["dashboard_ms"])
    if "scale" in report:
        check(f"queue p50 growth ≤ {t['scale']} ×", report["scale"]["ratio"], t["scale"])
    x = report.get("export")
    if x:
        check(f"export ≤ {t['export_seconds']:g} s", x["seconds"], t["export_seconds"])
        check(f"export worker peak growth ≤ {t['export_growth_mb']:g} MB", x["growth_mb"],
              t["export_growth_mb"])
    check(f"worker RSS after the run ≤ {t['worker_rss_mb']:g} MB",
          max(report.get("worker_rss_mb") or [0]), t["worker_rss_mb"])
    check("no 5xx answers", sum(r.get("s5_all_rounds", r["s5"]) for r in e.values()) +
          sum(r["s5"] for r in report.get("small_endpoints", {}).values()), 0)
    return checks


# --- output ----------------------------------------------------------------------------------

def table(backend: str, report: dict) -> str:
    e = report["endpoints"]
    lines = [f"== {backend}: {int(max(map(int, report['datasets']))):,} tickets, "
             f"{report['workers']} sync workers, {next(iter(e.values()))['driver']}, "
             f"{report.get('connections', '')} connections; machine load average "
             f"{report['loadavg_before'][0]} before, {report['loadavg_after'][0]} after"]
    head = f"{'page':<{LABEL_WIDTH}}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'× healthz':>11}" \
           f"{'cpu ms':>8}{'single ms':>11}{'5xx':>6}"
    if "small_endpoints" in report:
        head += f"{'p50 growth':>12}"
    lines += [head, "-" * len(head)]
    for name, r in e.items():
        single = r.get("single", {}).get("p50_ms")
        line = (f"{LABELS[name]:<{LABEL_WIDTH}}{r['rps']:>9.1f}{r['p50_ms']:>9.1f}"
                f"{r['p99_ms']:>9.1f}"
                f"{r['ratio'] if r['ratio'] is not None else '':>11}{r.get('cpu_ms', ''):>8}"
                f"{single if single is not None else '':>11}"
                f"{r.get('s5_all_rounds', r['s5']):>6}")
        if "small_endpoints" in report:
            line += f"{report['scale']['pages'][name] or '':>11}×"
        lines.append(line)
    rounds = report.get("rounds", 1)
    if rounds > 1:
        lines.append(f"each page measured {rounds} times in turn; the round with the most "
                     f"requests/s counts, the floor's too (/healthz "
                     + ", ".join(f"{x:.1f}" for x in e.get("healthz", {}).get("floor_rps", []))
                     + " req/s)")
    elif floor := e.get("healthz", {}).get("floor_rps"):
        lines.append(f"floor: /healthz {floor[0]:.1f} req/s before the pages, {floor[1]:.1f} "
                     f"after; the ratios are to the higher")
    if "scale" in report:
        s = report["scale"]
        lines.append(f"scale: queue p50 {s['queue_p50_big_ms']} ms at {s['big']:,} ÷ "
                     f"{s['queue_p50_small_ms']} ms at {s['small']:,} = {s['ratio']} "
                     f"(CPU per request {s['queue_cpu_big_ms']} ÷ {s['queue_cpu_small_ms']} ms "
                     f"= {s['cpu_ratio']}; medians of {s['rounds']} rounds in turn)")
    if "export" in report:
        x = report["export"]
        lines.append(f"export: {x['rows']:,} rows ({x['bytes'] / 1e6:.1f} MB xlsx) in "
                     f"{x['seconds']} s; worker peak {x['peak_mb']} MB, "
                     f"+{x['growth_mb']} MB over {x['rss_before_mb']} MB")
    lines.append(f"workers after the run: {', '.join(f'{m} MB' for m in report['worker_rss_mb'])}"
                 " RSS")
    if "worker_sweep" in report:
        lines.append("worker sweep, for information (median over rounds of the geometric mean "
                     "req/s of " + ", ".join(SWEEP) + "): " + ", ".join(
                         f"{n}: {v['score']}" for n, v in report["worker_sweep"].items())
                     + f" → best {report['sweep_best']}; the table is at {report['workers']}, "
                     "make run's count")
    for name, d in report["datasets"].items():
        lines.append(f"dataset {int(name):,}: generated in {d.get('seconds', '?')} s"
                     + (" (reused)" if d.get("reused") else ""))
    for name, c in report["targets"].items():
        cost = f"  (CPU {c['cpu_ms']} ms a request; /healthz {c['floor_cpu_ms']})" \
            if c.get("cpu_ms") is not None else ""
        lines.append(f"  [{'ok' if c['ok'] else 'MISS'}] {name}: {c['value']}{cost}")
    return "\n".join(lines)


def host_info() -> dict:
    info = {"cpus": os.cpu_count(), "python": platform.python_version(),
            "sqlite": sqlite3.sqlite_version, "platform": platform.platform(),
            "wrk": driver.wrk_available()}
    return info


def parse(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--tickets", type=int, default=int(os.environ.get("BENCH_TICKETS", 200_000)))
    p.add_argument("--small", type=int, default=2000,
                   help="size of the scale comparison (0: none)")
    p.add_argument("--backends", default=None,
                   help="comma-separated: sqlite,postgresql (default: sqlite, and postgresql "
                        "when a PostgreSQL URL is given)")
    p.add_argument("--postgres-url", default=bench_config.env_postgres_base())
    p.add_argument("--workers", type=int, default=int(os.environ.get("ZIKONG_WORKERS", 2)),
                   help="the targets' worker count (default: make run's, ZIKONG_WORKERS or 2)")
    p.add_argument("--sweep", default="2,3,4",
                   help="worker counts to try first, for information ('': no sweep)")
    p.add_argument("--connections", type=int, default=32)
    p.add_argument("--threads", type=int, default=2, help="wrk threads")
    p.add_argument("--duration", type=float, default=10.0, help="seconds per page")
    p.add_argument("--rounds", type=int, default=2,
                   help="measurements of each page, in turn; the best counts")
    p.add_argument("--sweep-duration", type=float, default=5.0)
    p.add_argument("--sweep-rounds", type=int, default=2)
    p.add_argument("--warmup", type=float, default=1.0, help="seconds of load before each page")
    p.add_argument("--scale-rounds", type=int, default=5,
                   help="queue measurements at each size, in turn, for the scale ratio")
    p.add_argument("--max-requests", type=int, default=200_000, help="per page and run")
    p.add_argument("--singles", type=int, default=15, help="one-at-a-time requests per page")
    p.add_argument("--export-rows", type=int, default=100_000)
    p.add_argument("--driver", choices=("auto", "wrk", "python"), default="auto")
    p.add_argument("--seed", type=int, default=6)
    p.add_argument("--reuse", action="store_true",
                   help="reuse a dataset of the same size generated in the last 6 hours")
    p.add_argument("--data-dir", type=Path, default=bench_config.DATA)
    p.add_argument("--out", type=Path, default=None, help="JSON file (default bench/results/)")
    args = p.parse_args(argv)
    args.sweep = [int(n) for n in args.sweep.split(",") if n]
    if args.backends is None:
        args.backends = "sqlite,postgresql" if args.postgres_url else "sqlite"
    args.backends = [b.strip() for b in args.backends.split(",") if b.strip()]
    if "postgresql" in args.backends and not args.postgres_url:
        p.error("postgresql needs --postgres-url (or BENCH_POSTGRES_URL)")
    return args


def main(argv=None) -> dict:
    args = parse(argv)
    started = datetime.now(UTC)
    args.data_dir.mkdir(parents=True, exist_ok=True)
    out = args.out or bench_config.RESULTS / f"bench-{started:%Y%m%dT%H%M%SZ}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    driver_name = args.driver if args.driver != "auto" else (
        "wrk" if driver.wrk_available() else "python")
    result = {"started_at": started.isoformat(timespec="seconds"), "host": host_info(),
              "driver": driver_name, "connections": args.connections,
              "duration_s": args.duration, "tickets": args.tickets, "small": args.small,
              "targets": TARGETS, "backends": {}}
    sizes = [args.tickets] + ([args.small] if args.small and args.small < args.tickets else [])
    for backend in args.backends:
        if backend == "sqlite":
            urls = {n: f"sqlite:///{args.data_dir / f'zikong-bench-{n}.sqlite3'}" for n in sizes}
        else:
            urls = {n: bench_config.postgres_url(args.postgres_url, n) for n in sizes}
        report = run_backend(backend, urls, args, out.parent)
        report["connections"] = args.connections
        result["backends"][backend] = report
        out.write_text(json.dumps(result, ensure_ascii=False, indent=1))
    result["finished_at"] = datetime.now(UTC).isoformat(timespec="seconds")
    out.write_text(json.dumps(result, ensure_ascii=False, indent=1))
    print()
    for backend, report in result["backends"].items():
        print(table(backend, report))
        print()
    if len(result["backends"]) > 1:
        print(side_by_side(result["backends"]))
        print()
    print(f"results: {out}")
    return result


def side_by_side(backends: dict) -> str:
    names = list(backends)
    head = f"{'page':<{LABEL_WIDTH}}" + "".join(f"{n + ' req/s':>18}{n + ' p99':>16}"
                                                for n in names)
    lines = [head, "-" * len(head)]
    for page in ENDPOINTS:
        line = f"{LABELS[page]:<{LABEL_WIDTH}}"
        for n in names:
            r = backends[n]["endpoints"][page]
            line += f"{r['rps']:>18.1f}{r['p99_ms']:>16.1f}"
        lines.append(line)
    return "\n".join(lines)


if __name__ == "__main__":
    main()
