"""Where a page's time goes, in-process: the benchmark's pages on a bench dataset, served by
the Flask test client (no gunicorn, no sockets), timed per request by CPU and profiled.

    .venv/bin/python -m bench.profile --tickets 200000            # the table
    .venv/bin/python -m bench.profile --tickets 200000 --page quality --top 30

The figures are CPU milliseconds of the Python process per request (the quickest of five
batches of --repeat/5 requests), which move much less with other work on the machine than
wall-clock time. For developers tuning a page; `make bench` remains the measurement that
counts. `calls` is the number of Python function calls one request makes: the same in
every run, so it shows a change's effect when the machine is too busy for times to settle.
"""
import argparse
import cProfile
import os
import pstats
import re
import time

from bench import config as bench_config
from bench.run import facts

PAGES = {
    "healthz": (None, lambda f: "/healthz", {}),
    "quality": ("checker", lambda f: "/quality", {}),
    "review": ("lead", lambda f: "/review", {}),
    "ticket": ("checker", lambda f: f["tickets"][0], {}),
    "ticket_old": ("checker", lambda f: f["tickets"][-1], {}),
    "bell": ("agent", lambda f: "/alerts/bell", {"HX-Request": "true"}),
    "reports": ("owner", lambda f: "/reports?period=month&by=team", {}),
    "search": ("checker", lambda f: f["search"][0], {}),
    "wallboard": ("manager", lambda f: "/wallboard", {"HX-Request": "true"}),
}


def sign_in(client, employee_no: str) -> None:
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page) or \
        re.search(r'value="([^"]+)"[^>]*name="csrf_token"', page)
    answer = client.post("/login", data={"employee_no": employee_no,
                                         "password": bench_config.PASSWORD,
                                         "csrf_token": token.group(1)})
    if answer.status_code != 303:
        raise SystemExit(f"sign-in as {employee_no} answered {answer.status_code}")


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--tickets", type=int, default=200_000)
    p.add_argument("--database-url", default=None)
    p.add_argument("--page", action="append", choices=sorted(PAGES))
    p.add_argument("--repeat", type=int, default=60)
    p.add_argument("--top", type=int, default=0, help="profile: print the N costliest calls")
    p.add_argument("--sort", default="cumulative")
    p.add_argument("--callers", metavar="PATTERN",
                   help="profile: who calls the functions matching PATTERN, and how often")
    args = p.parse_args(argv)

    url = args.database_url or bench_config.sqlite_url(args.tickets)
    os.environ["ZIKONG_DATABASE_URL"] = url
    from app import create_app
    app = create_app({**bench_config.APP_CONFIG, "LOG_LEVEL": "WARNING"})
    the_facts = facts(url, 1000, app.config["TIMEZONE"])
    clients = {}
    print(f"{'page':12} {'cpu ms':>8} {'wall ms':>8} {'bytes':>8} {'calls':>8}")
    for name in args.page or list(PAGES):
        persona, path_of, headers = PAGES[name]
        if persona not in clients:
            clients[persona] = client = app.test_client()
            if persona:
                sign_in(client, bench_config.PERSONAS[persona])
        client, path = clients[persona], path_of(the_facts)
        for _ in range(5):  # warm: templates compiled, caches filled
            client.get(path, headers=headers)
        # Five batches; the quickest batch's mean is the figure least moved by other work.
        cpu, wall, batch = [], [], max(1, args.repeat // 5)
        for _ in range(5):
            c0, w0 = time.process_time(), time.perf_counter()
            for _ in range(batch):
                answer = client.get(path, headers=headers)
            cpu.append((time.process_time() - c0) / batch)
            wall.append((time.perf_counter() - w0) / batch)
        if answer.status_code != 200:
            raise SystemExit(f"{name} {path} answered {answer.status_code}")
        # Python function calls per request: not a time, but the same in every run, so a
        # change's effect shows even when the machine is too busy for the times to settle.
        counter = cProfile.Profile()
        counter.enable()
        client.get(path, headers=headers)
        counter.disable()
        calls = pstats.Stats(counter).total_calls
        print(f"{name:12} {min(cpu) * 1000:8.2f} {min(wall) * 1000:8.2f} {len(answer.data):8} "
              f"{calls:8}")
        if args.top:
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(args.repeat):
                client.get(path, headers=headers)
            profiler.disable()
            stats = pstats.Stats(profiler).sort_stats(args.sort)
            stats.print_stats(args.top)
            if args.callers:
                stats.print_callers(args.callers)


if __name__ == "__main__":
    main()
