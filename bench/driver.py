"""Load drivers against 127.0.0.1 only, bounded in time and in requests: wrk (with
bench/load.lua) when it is installed, else threads with http.client keep-alive connections.
Both return the same figures: requests, requests/s, p50/p99 latency, answers by status class.
"""
import http.client
import json
import re
import shutil
import subprocess
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

USER_AGENT = "zikong-bench/1"
LUA = Path(__file__).resolve().parent / "load.lua"


def _local(host: str) -> str:
    if host not in ("127.0.0.1", "localhost"):
        raise SystemExit(f"the benchmark loads 127.0.0.1 only, not {host}")
    return host


def wrk_available() -> bool:
    return shutil.which("wrk") is not None


# --- signing in ------------------------------------------------------------------------------

def _cookie(response, name: str = "zikong_session") -> str | None:
    for header, value in response.getheaders():
        if header.lower() == "set-cookie" and value.startswith(name + "="):
            return value.split(";", 1)[0]
    return None


def sign_in(host: str, port: int, employee_no: str, password: str) -> str:
    """Sign in the way a browser does (GET the form, POST it with its CSRF token) and return
    the session cookie ("zikong_session=…")."""
    conn = http.client.HTTPConnection(_local(host), port, timeout=30)
    conn.request("GET", "/login", headers={"User-Agent": USER_AGENT})
    response = conn.getresponse()
    page = response.read().decode()
    cookie = _cookie(response)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page) or \
        re.search(r'value="([^"]+)"[^>]*name="csrf_token"', page)
    headers = {"User-Agent": USER_AGENT, "Content-Type": "application/x-www-form-urlencoded"}
    if cookie:
        headers["Cookie"] = cookie
    body = urlencode({"employee_no": employee_no, "password": password,
                      "csrf_token": token.group(1) if token else ""})
    conn.close()
    conn = http.client.HTTPConnection(host, port, timeout=30)
    conn.request("POST", "/login", body=body, headers=headers)
    response = conn.getresponse()
    response.read()
    conn.close()
    session = _cookie(response)
    if response.status != 303 or not session:
        raise RuntimeError(f"sign-in as {employee_no} failed: HTTP {response.status}")
    return session


# --- single requests -------------------------------------------------------------------------

def fetch(host: str, port: int, path: str, headers: dict | None = None,
          timeout: float = 120, sink=None) -> tuple[int, float, int]:
    """One request on a fresh connection: (status, seconds, body bytes). With `sink`, the
    body is written there as it arrives."""
    conn = http.client.HTTPConnection(_local(host), port, timeout=timeout)
    started = time.perf_counter()
    conn.request("GET", path, headers={"User-Agent": USER_AGENT, **(headers or {})})
    response = conn.getresponse()
    size = 0
    while chunk := response.read(1 << 16):
        size += len(chunk)
        if sink is not None:
            sink.write(chunk)
    elapsed = time.perf_counter() - started
    conn.close()
    return response.status, elapsed, size


def single(host, port, paths, headers, count: int) -> dict:
    """`count` requests one after the other (no concurrency): the latency of one request."""
    times, statuses = [], []
    for i in range(count):
        status, seconds, _size = fetch(host, port, paths[i % len(paths)], headers)
        times.append(seconds)
        statuses.append(status)
    times.sort()
    return {"count": count, "p50_ms": round(_percentile(times, 50) * 1000, 2),
            "max_ms": round(times[-1] * 1000, 2),
            "s5": sum(1 for s in statuses if s >= 500)}


def _percentile(sorted_values, p):
    if not sorted_values:
        return 0.0
    k = (len(sorted_values) - 1) * p / 100
    lo = int(k)
    hi = min(lo + 1, len(sorted_values) - 1)
    return sorted_values[lo] + (sorted_values[hi] - sorted_values[lo]) * (k - lo)


# --- load ------------------------------------------------------------------------------------

def load(host, port, paths, headers, *, duration: float, connections: int,
         max_requests: int = 0, driver: str = "auto", threads: int = 2) -> dict:
    """`connections` clients requesting `paths` in turn for `duration` seconds (or until
    `max_requests`). Returns requests, rps, p50_ms, p99_ms, s2…s5, errors, driver."""
    _local(host)
    if driver == "auto":
        driver = "wrk" if wrk_available() else "python"
    if driver == "wrk":
        return _wrk(host, port, paths, headers, duration, connections, max_requests, threads)
    return _python(host, port, paths, headers, duration, connections, max_requests)


def _wrk(host, port, paths, headers, duration, connections, max_requests, threads):
    threads = max(1, min(threads, connections))
    cap = -(-max_requests // threads) if max_requests else 0
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{max(1, round(duration))}s",
               "--timeout", "30s", "-s", str(LUA)]
    for name, value in {"User-Agent": USER_AGENT, **headers}.items():
        command += ["-H", f"{name}: {value}"]
    command += [f"http://{host}:{port}", "--", str(cap), *paths]
    done = subprocess.run(command, capture_output=True, text=True,
                          timeout=duration + 60, check=False)
    line = next((ln for ln in done.stdout.splitlines() if ln.startswith("BENCH_JSON ")), None)
    if line is None:
        raise RuntimeError(f"wrk failed: {done.stdout}\n{done.stderr}")
    raw = json.loads(line[len("BENCH_JSON "):])
    seconds = raw["duration_us"] / 1e6
    return {"driver": "wrk", "requests": raw["requests"],
            "rps": round(raw["requests"] / seconds, 1) if seconds else 0.0,
            "p50_ms": round(raw["p50_us"] / 1000, 2), "p99_ms": round(raw["p99_us"] / 1000, 2),
            "max_ms": round(raw["max_us"] / 1000, 2), "seconds": round(seconds, 2),
            "s2": raw["s2"], "s3": raw["s3"], "s4": raw["s4"], "s5": raw["s5"],
            "errors": sum(raw["errors"].values()), "bytes": raw["bytes"]}


def _python(host, port, paths, headers, duration, connections, max_requests):
    """Threads, one http.client connection each (kept alive while the server allows it)."""
    deadline = time.perf_counter() + duration
    lock = threading.Lock()
    budget = [max_requests or float("inf")]
    latencies, counts = [], {"s2": 0, "s3": 0, "s4": 0, "s5": 0, "errors": 0, "bytes": 0}
    all_headers = {"User-Agent": USER_AGENT, **headers}

    def client(offset):
        conn = http.client.HTTPConnection(host, port, timeout=30)
        mine, local = [], {k: 0 for k in counts}
        i = offset
        while time.perf_counter() < deadline:
            with lock:
                if budget[0] <= 0:
                    break
                budget[0] -= 1
            path = paths[i % len(paths)]
            i += 1
            started = time.perf_counter()
            try:
                conn.request("GET", path, headers=all_headers)
                response = conn.getresponse()
                local["bytes"] += len(response.read())
            except (OSError, http.client.HTTPException):
                local["errors"] += 1
                conn.close()
                conn = http.client.HTTPConnection(host, port, timeout=30)
                continue
            mine.append(time.perf_counter() - started)
            local[f"s{min(max(response.status // 100, 2), 5)}"] += 1
            if response.will_close:
                conn.close()
        conn.close()
        with lock:
            latencies.extend(mine)
            for key, value in local.items():
                counts[key] += value

    started = time.perf_counter()
    workers = [threading.Thread(target=client, args=(n,)) for n in range(connections)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    seconds = time.perf_counter() - started
    latencies.sort()
    return {"driver": "python", "requests": len(latencies),
            "rps": round(len(latencies) / seconds, 1) if seconds else 0.0,
            "p50_ms": round(_percentile(latencies, 50) * 1000, 2),
            "p99_ms": round(_percentile(latencies, 99) * 1000, 2),
            "max_ms": round(latencies[-1] * 1000, 2) if latencies else 0.0,
            "seconds": round(seconds, 2), **counts}
