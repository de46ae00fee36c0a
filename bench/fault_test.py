"""Load and fault test: gunicorn workers killed with SIGKILL while simulated users write; then
prove that nothing acknowledged was lost (SECURITY.md, data integrity: fault test).

    .venv/bin/python bench/fault_test.py                      # SQLite, 4 workers, 32 users, 15 s
    .venv/bin/python bench/fault_test.py --backend postgresql # needs ZIKONG_TEST_POSTGRES_URL
    .venv/bin/python bench/fault_test.py --seconds 60 --users 64 --kills 5 --json

What it does:
1. a fresh database (SQLite in a temporary folder; on PostgreSQL the database named by
   ZIKONG_TEST_POSTGRES_URL, whose public schema it DROPS), migrated, with four teams of a lead
   and agents, and checkers — 32 people by default;
2. gunicorn with sync workers on a free 127.0.0.1 port (TESTING off, CSRF on);
3. one thread per person, each with its own cookie jar, for a bounded time: agents file
   tickets (and post the same form again when the answer was cut), leads sign them over from
   the review queue, checkers claim from the queue and judge;
4. a worker killed with SIGKILL at regular intervals while all this goes on;
5. afterwards, from the database: every ticket whose number a client was shown exists with
   that number, every 303 sign/claim/judgement is there, numbers and form keys are unique,
   every ticket's audit trail is one unbroken chain ending at its state, and (SQLite)
   PRAGMA integrity_check and foreign_key_check pass.

A 5xx answer counts as an error; a request cut by a kill (connection reset, no answer) does
not, and its outcome is unknown to the client, so it is not counted as acknowledged. It prints
the figures; with --json also one JSON line last. Exit status 0 when lost == 0, no 5xx, every
planned kill happened and the database checks pass. Only 127.0.0.1 is ever contacted.
"""
import argparse
import http.client
import json
import os
import random
import re
import secrets
import shutil
import signal
import socket
import subprocess  # starts gunicorn from this virtualenv, no shell
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"
PASSWORD = "fault-test-pass-1"
ACCUSED = "180123"  # a front-desk agent: judged without an outbound notification
CUT = (ConnectionError, http.client.RemoteDisconnected, http.client.IncompleteRead,
       socket.timeout, TimeoutError)


# --- set-up -------------------------------------------------------------------------------

def database_url(backend: str, workdir: Path) -> str:
    if backend == "sqlite":
        return f"sqlite:///{workdir / 'zikong.sqlite3'}"
    url = os.environ.get("ZIKONG_TEST_POSTGRES_URL")
    if not url:
        raise SystemExit("--backend postgresql needs ZIKONG_TEST_POSTGRES_URL "
                         "(source scripts/pg_test_server.sh)")
    from sqlalchemy import create_engine, text
    engine = create_engine(url)
    with engine.begin() as conn:  # a test database: start from nothing
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    return url


def prepare(url: str, n_users: int) -> list[dict]:
    """Migrate and create the people (a fast hash here: the server checks any method)."""
    sys.path.insert(0, str(ROOT))
    import flask_migrate

    from app import create_app
    from extensions import db
    from services import users as user_service
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": secrets.token_hex(16),
                      "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})
    people = []
    now = datetime.now(UTC).replace(tzinfo=None)
    with app.app_context():
        flask_migrate.upgrade(revision="heads")
        checkers = max(1, n_users // 4)
        teams = max(1, (n_users - checkers) // 6)
        for n in range(n_users):
            if n < checkers:
                role, team = "checker", None
            else:
                k = n - checkers
                team_no = k % teams
                role = "team_lead" if k < teams else "staff"
                team = f"压测{team_no + 1}班"
            employee_no = f"{(600000 if role == 'checker' else 200000) + n:06d}"
            user, _ = user_service.create_user(user_service.UserInput(
                employee_no=employee_no, name=f"压测{n}", role=role, team=team,
                password=PASSWORD), now=now)
            people.append({"employee_no": employee_no, "role": role, "id": user.id})
        db.session.remove()
        db.engine.dispose()
    return people


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def start_gunicorn(url: str, port: int, workers: int, workdir: Path):
    env = {**os.environ, "ZIKONG_DATABASE_URL": url, "ZIKONG_SECRET_KEY": secrets.token_hex(32),
           "ZIKONG_LOG_LEVEL": "WARNING"}
    env.pop("CI", None)
    log = open(workdir / "gunicorn.log", "w")  # closed by stop()
    process = subprocess.Popen(  # the virtualenv's gunicorn, fixed arguments
        [str(Path(sys.executable).with_name("gunicorn")), "--bind", f"{HOST}:{port}",
         "--workers", str(workers), "--no-control-socket", "--timeout", "60",
         "--graceful-timeout", "5", "app:create_app()"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited: see {workdir / 'gunicorn.log'}")
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200 and len(worker_pids(process.pid)) == workers:
                return process, log
        except OSError:
            pass
        time.sleep(0.2)
    process.kill()
    raise SystemExit("gunicorn did not answer within 60 s")


def worker_pids(master: int) -> list[int]:
    try:
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    except OSError:
        return []
    return [int(pid) for pid in children]


def stop(process, log) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    log.close()


# --- the simulated people -----------------------------------------------------------------

class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.status = Counter()
        self.cut = 0
        self.errors: list[str] = []
        self.acked = {"tickets": {}, "signs": set(), "claims": {}, "judgements": set(),
                      "keys": {}, "reposted": 0}

    def count(self, status: int | None, what: str) -> None:
        with self.lock:
            if status is None:
                self.cut += 1
            else:
                self.status[status] += 1
                if status >= 500:
                    self.errors.append(f"{status} {what}")


class Browser:
    """One person's browser: a cookie, a CSRF token, no redirects followed."""

    def __init__(self, port: int, stats: Stats):
        self.port, self.stats, self.cookies = port, stats, {}

    def request(self, method: str, path: str, form: dict | None = None):
        """(status, location, body); status None when the connection was cut."""
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
                   "User-Agent": "zikong-fault-test/1"}
        body = None
        if form is not None:
            body = urlencode(form, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn = http.client.HTTPConnection(HOST, self.port, timeout=30)
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            text = response.read().decode("utf-8", "replace")
        except CUT:
            self.stats.count(None, f"{method} {path}")
            return None, None, ""
        finally:
            conn.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        self.stats.count(response.status, f"{method} {path}")
        return response.status, response.headers.get("Location"), text

    @staticmethod
    def token(page: str) -> str | None:
        match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or \
            re.search(r'name="csrf-token" content="([^"]+)"', page)
        return match.group(1) if match else None

    def sign_in(self, employee_no: str, deadline: float) -> bool:
        while time.monotonic() < deadline:
            status, _, page = self.request("GET", "/login")
            token = self.token(page) if status == 200 else None
            if token is None:
                time.sleep(0.2)
                continue
            status, _, _ = self.request("POST", "/login", {
                "csrf_token": token, "employee_no": employee_no, "password": PASSWORD})
            if status == 303:
                return True
            time.sleep(0.2)
        return False


def hidden_value(page: str, marker: str) -> str | None:
    """The value="" of the <input> whose tag contains `marker`."""
    for tag in re.findall(r"<input[^>]*>", page):
        if marker in tag:
            value = re.search(r'value="([^"]*)"', tag)
            return value.group(1) if value else None
    return None


def agent(browser: Browser, deadline: float, rng: random.Random) -> None:
    while time.monotonic() < deadline:
        status, _, page = browser.request("GET", "/tickets/new")
        token, key = browser.token(page), hidden_value(page, 'name="idempotency_key"')
        if status != 200 or not token or not key:
            continue
        form = {"csrf_token": token, "idempotency_key": key, "caller_number": "13812345678",
                "contact_number": f"139{rng.randrange(10**8):08d}", "accused_no": ACCUSED,
                "complaint": "压测：客户投诉客服代表态度生硬。", "demand": "要求回电"}
        reposted = 0
        while True:  # an answer cut by a kill: post the same form again, as a person would
            status, location, _ = browser.request("POST", "/tickets/new", form)
            if status is not None or reposted == 3 or time.monotonic() > deadline + 10:
                break
            reposted += 1
        if status != 303 or not location:
            continue
        ticket_id = int(location.rsplit("/", 1)[1])
        with browser.stats.lock:
            browser.stats.acked["keys"][key] = ticket_id
            browser.stats.acked["reposted"] += reposted > 0
        status, _, page = browser.request("GET", location)
        number = re.search(r'id="ticket-number">([^<]+)<', page) if status == 200 else None
        with browser.stats.lock:
            browser.stats.acked["tickets"][ticket_id] = number.group(1) if number else None


def lead(browser: Browser, deadline: float, rng: random.Random) -> None:
    while time.monotonic() < deadline:
        status, _, page = browser.request("GET", "/review")
        forms = re.findall(r'action="/tickets/(\d+)/sign".*?name="csrf_token" value="([^"]+)"'
                           r'.*?name="version" value="(\d+)"', page, re.S)
        if status != 200 or not forms:
            time.sleep(0.3)
            continue
        ticket_id, token, version = rng.choice(forms)
        status, _, _ = browser.request("POST", f"/tickets/{ticket_id}/sign",
                                       {"csrf_token": token, "version": version})
        if status == 303:
            with browser.stats.lock:
                browser.stats.acked["signs"].add(int(ticket_id))


def checker(browser: Browser, me: int, deadline: float, rng: random.Random) -> None:
    while time.monotonic() < deadline:
        status, _, page = browser.request("GET", "/quality?checker=none")
        forms = re.findall(r'action="/tickets/(\d+)/claim".*?name="csrf_token" value="([^"]+)"'
                           r'.*?name="version" value="(\d+)"', page, re.S)
        if status != 200 or not forms:
            time.sleep(0.3)
            continue
        ticket_id, token, version = rng.choice(forms)
        status, _, _ = browser.request("POST", f"/tickets/{ticket_id}/claim",
                                       {"csrf_token": token, "version": version})
        if status != 303:
            continue  # 409: another checker was quicker
        with browser.stats.lock:
            browser.stats.acked["claims"][int(ticket_id)] = me
        status, _, page = browser.request("GET", f"/tickets/{ticket_id}")
        version = hidden_value(page, 'id="judge-version"')
        if status != 200 or version is None:
            continue
        status, _, _ = browser.request("POST", f"/tickets/{ticket_id}/judge", {
            "csrf_token": browser.token(page), "version": version, "kind": "attitude",
            "verdict": "not_established", "basis": "压测：录音显示员工解释清楚。"})
        if status == 303:
            with browser.stats.lock:
                browser.stats.acked["judgements"].add(int(ticket_id))


def run_people(port: int, people: list[dict], seconds: float, stats: Stats):
    """Start one thread per person; all sign in, then work until the same deadline.
    Returns (threads, deadline)."""
    start_by = time.monotonic() + 60
    deadline = [0.0]
    ready = threading.Barrier(len(people) + 1, action=lambda: deadline.__setitem__(
        0, time.monotonic() + seconds))

    def person(index: int, who: dict) -> None:
        browser, rng = Browser(port, stats), random.Random(index)
        signed_in = browser.sign_in(who["employee_no"], start_by)
        ready.wait()
        if not signed_in:
            stats.errors.append(f"could not sign in {who['employee_no']}")
            return
        if who["role"] == "staff":
            agent(browser, deadline[0], rng)
        elif who["role"] == "team_lead":
            lead(browser, deadline[0], rng)
        else:
            checker(browser, who["id"], deadline[0], rng)

    threads = [threading.Thread(target=person, args=(n, who), daemon=True)
               for n, who in enumerate(people)]
    for thread in threads:
        thread.start()
    ready.wait()
    return threads, deadline[0]


def killer(master: int, kills: int, seconds: float, start: float, log: list) -> None:
    """SIGKILL a busy worker at evenly spaced moments of the run."""
    for n in range(1, kills + 1):
        time.sleep(max(0.0, start + seconds * n / (kills + 1) - time.monotonic()))
        pids = worker_pids(master)
        if not pids:
            continue
        victim = random.choice(pids)  # choosing a worker, not a secret
        try:
            os.kill(victim, signal.SIGKILL)
            log.append(victim)
        except ProcessLookupError:
            pass


# --- checks afterwards --------------------------------------------------------------------

def check(url: str, stats: Stats, people: list[dict]) -> dict:
    from sqlalchemy import create_engine, text
    engine = create_engine(url)
    found = {}
    with engine.connect() as conn:
        tickets = {row.id: row for row in conn.execute(text(
            "SELECT id, number, state, checker_id, handed_over_at, idempotency_key "
            "FROM tickets"))}
        handed = set(conn.execute(text("SELECT ticket_id FROM handover_entries")).scalars())
        judged = set(conn.execute(text("SELECT ticket_id FROM judgements")).scalars())
        moves = conn.execute(text(
            "SELECT ticket_id, action, from_state, to_state FROM audit_entries "
            "WHERE to_state IS NOT NULL ORDER BY id")).all()
        numbers = [t.number for t in tickets.values()]
        keys = [t.idempotency_key for t in tickets.values() if t.idempotency_key]
        found["duplicates"] = (len(numbers) - len(set(numbers))) + (len(keys) - len(set(keys)))
        if engine.dialect.name == "sqlite":
            found["integrity"] = ", ".join(conn.exec_driver_sql(
                "PRAGMA integrity_check").scalars())
            found["foreign_key_violations"] = len(conn.exec_driver_sql(
                "PRAGMA foreign_key_check").all())
        else:
            found["integrity"] = "ok"  # PostgreSQL: transactions are atomic by construction
            found["foreign_key_violations"] = 0
    engine.dispose()

    acked = stats.acked
    lost = []
    for ticket_id, number in acked["tickets"].items():
        row = tickets.get(ticket_id)
        if row is None or (number is not None and row.number != number):
            lost.append(f"ticket {ticket_id} {number}")
    by_key = {row.idempotency_key: ticket_id for ticket_id, row in tickets.items()}
    for key, ticket_id in acked["keys"].items():
        if by_key.get(key) != ticket_id:
            lost.append(f"form {key} -> ticket {ticket_id}")
    for ticket_id in acked["signs"]:
        row = tickets.get(ticket_id)
        if row is None or row.handed_over_at is None or ticket_id not in handed:
            lost.append(f"sign {ticket_id}")
    for ticket_id, checker_id in acked["claims"].items():
        row = tickets.get(ticket_id)
        if row is None or row.checker_id != checker_id:
            lost.append(f"claim {ticket_id}")
    for ticket_id in acked["judgements"]:
        row = tickets.get(ticket_id)
        if row is None or ticket_id not in judged or row.state not in ("judged", "closed"):
            lost.append(f"judgement {ticket_id}")
    # forms posted again after a cut answer: one ticket per form, whatever reached the server
    found["reposted_after_cut"] = acked["reposted"]

    chains = {}
    bad_chains = []
    for ticket_id, _action, before, after in moves:
        if chains.get(ticket_id) != before:
            bad_chains.append(f"ticket {ticket_id}: {before} after {chains.get(ticket_id)}")
        chains[ticket_id] = after
    for ticket_id, row in tickets.items():
        if chains.get(ticket_id) != row.state:
            bad_chains.append(f"ticket {ticket_id}: state {row.state}, audit ends at "
                              f"{chains.get(ticket_id)}")
    found.update(lost=len(lost), lost_detail=lost[:20], audit_mismatches=len(bad_chains),
                 audit_detail=bad_chains[:20], tickets_in_db=len(tickets),
                 state_changes_audited=len(moves))
    return found


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--users", type=int, default=32)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--kills", type=int, default=2)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON last")
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    args = parser.parse_args(argv)

    workdir = Path(tempfile.mkdtemp(prefix="zikong-fault-"))
    process = None
    try:
        url = database_url(args.backend, workdir)
        people = prepare(url, args.users)
        port = free_port()
        process, log = start_gunicorn(url, port, args.workers, workdir)
        stats, killed = Stats(), []
        threads, deadline = run_people(port, people, args.seconds, stats)
        kill_thread = threading.Thread(target=killer, args=(
            process.pid, args.kills, args.seconds, deadline - args.seconds, killed))
        kill_thread.start()
        for thread in threads:
            thread.join(timeout=args.seconds + 90)
        kill_thread.join()
        stop(process, log)
        process = None
        found = check(url, stats, people)
    finally:
        if process is not None:
            process.kill()
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)

    statuses = dict(sorted(stats.status.items()))
    figures = {
        "backend": args.backend, "workers": args.workers, "users": args.users,
        "seconds": args.seconds, "requests": sum(stats.status.values()) + stats.cut,
        "answered": sum(stats.status.values()), "statuses": statuses,
        "errors_5xx": sum(n for s, n in stats.status.items() if s >= 500),
        "error_detail": stats.errors[:20], "cut_by_kills": stats.cut,
        "killed": len(killed), "kills_planned": args.kills,
        "acked_tickets": len(stats.acked["tickets"]), "acked_signs": len(stats.acked["signs"]),
        "acked_claims": len(stats.acked["claims"]),
        "acked_judgements": len(stats.acked["judgements"]), **found,
    }
    ok = (figures["lost"] == 0 and figures["errors_5xx"] == 0 and not stats.errors
          and figures["killed"] == args.kills and figures["duplicates"] == 0
          and figures["audit_mismatches"] == 0 and figures["integrity"] == "ok"
          and figures["foreign_key_violations"] == 0)
    print(f"fault run on {args.backend}: {args.workers} workers, {args.users} users, "
          f"{args.seconds:g} s, {len(killed)} worker(s) killed with SIGKILL")
    print(f"  requests {figures['requests']}: answered {figures['answered']} {statuses}, "
          f"cut by kills {stats.cut}, 5xx {figures['errors_5xx']}")
    print(f"  acknowledged: {figures['acked_tickets']} tickets, {figures['acked_signs']} signs, "
          f"{figures['acked_claims']} claims, {figures['acked_judgements']} judgements; "
          f"{figures['reposted_after_cut']} form(s) posted again after a cut answer")
    print(f"  database: {figures['tickets_in_db']} tickets, duplicates "
          f"{figures['duplicates']}, {figures['state_changes_audited']} audited state "
          f"changes, audit mismatches {figures['audit_mismatches']}, integrity "
          f"{figures['integrity']}, foreign key violations {figures['foreign_key_violations']}")
    print(f"  lost = {figures['lost']}" + (f"  {figures['lost_detail']}" if found["lost"]
                                           else ""))
    for line in stats.errors[:10] + figures["audit_detail"][:10]:
        print("  !", line)
    print("OK" if ok else "FAILED")
    if args.json:
        print(json.dumps({**figures, "ok": ok}, ensure_ascii=False))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
