"""Slow clients: gunicorn's sync workers serve one request each, so a client sending its body
one byte at a time holds a worker. The README's nginx sample must keep such clients away from
gunicorn (buffered bodies, header and body timeouts, body limits matching the app's); run
with a real nginx it keeps /healthz answering while more slow clients than workers wait,
where the same clients sent straight to gunicorn stop it answering."""
import http.client
import os
import re
import shutil
import socket
import subprocess  # nginx from the system, fixed arguments, no shell
import time
from pathlib import Path

import pytest

from bench.fault_test import HOST, free_port, start_gunicorn, stop
from config import Defaults
from tests.conftest import CI

ROOT = Path(__file__).resolve().parents[2]
WORKERS = 2


def readme_nginx() -> str:
    """The README's nginx sample (the block with the upstream)."""
    blocks = re.findall(r"```nginx\n(.*?)```", (ROOT / "README.md").read_text(), re.DOTALL)
    (sample,) = [b for b in blocks if "upstream zikong" in b]
    return sample


def directive(config: str, name: str) -> list[str]:
    return re.findall(rf"(?:^|[{{;]|\s){name}\s+([^;]+);", config, re.MULTILINE)


def size(value: str) -> int:
    number, unit = re.fullmatch(r"(\d+)([kKmM]?)", value.strip()).groups()
    return int(number) * {"": 1, "k": 1024, "m": 1024 * 1024}[unit.lower()]


def seconds(value: str) -> int:
    return int(re.fullmatch(r"(\d+)s?", value.strip()).group(1))


def test_the_readme_nginx_sample_keeps_slow_clients_at_nginx():
    sample = readme_nginx()
    assert directive(sample, "proxy_request_buffering") == ["on"]
    for timeout in ("client_header_timeout", "client_body_timeout"):
        (value,) = directive(sample, timeout)
        assert seconds(value) <= 30, timeout
    # the server's limit lets the app answer its own 413 page; the upload address takes
    # one excerpt at the evidence limit (with room for the form around it)
    general, upload = directive(sample, "client_max_body_size")
    assert Defaults.MAX_CONTENT_LENGTH <= size(general) <= 4 * Defaults.MAX_CONTENT_LENGTH
    assert Defaults.EVIDENCE_MAX_BYTES < size(upload) <= 2 * Defaults.EVIDENCE_MAX_BYTES
    assert "location ~ ^/tickets/[0-9]+/evidence$ { client_max_body_size" in sample
    # gunicorn only on the loopback (or a unix socket), reached through nginx alone
    (server,) = re.findall(r"upstream zikong \{ server ([^;\s]+)", sample)
    assert server.startswith(("127.0.0.1:", "unix:"))
    readme = (ROOT / "README.md").read_text()
    assert "gunicorn is never exposed directly" in readme
    assert all(bind.startswith(("127.0.0.1:", "unix:"))
               for bind in re.findall(r"gunicorn --bind (\S+)", readme))


def nginx_binary() -> str:
    found = shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx",) if os.access(p, os.X_OK)), None)
    if found is None:
        if CI:
            pytest.fail("CI=true but nginx is not installed (.ci/run installs it)")
        pytest.skip("nginx not installed (apt-get install nginx)")
    return found


def slow_client(port: int) -> socket.socket:
    """A client that sends its headers and the first byte of a 100 kB body, then waits."""
    sock = socket.create_connection((HOST, port))
    sock.sendall(b"POST /login HTTP/1.1\r\nHost: zikong.intranet\r\n"
                 b"Content-Type: application/x-www-form-urlencoded\r\n"
                 b"Content-Length: 100000\r\n\r\ne")
    return sock


def healthz(port: int, timeout: float) -> int:
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request("GET", "/healthz")
        return conn.getresponse().status
    finally:
        conn.close()


@pytest.fixture
def gunicorn(sqlite_template, tmp_path):
    database = tmp_path / "zikong.sqlite3"
    shutil.copy(sqlite_template, database)
    port = free_port()
    process, log = start_gunicorn(f"sqlite:///{database}", port, WORKERS, tmp_path)
    yield port
    stop(process, log)


def nginx_config(tmp_path: Path, port: int, upstream: int) -> Path:
    """The README's sample as it is, but for the certificate (plain HTTP on a free port),
    the upstream's port and the static folder; temporary files under tmp_path."""
    server = readme_nginx()
    server = re.sub(r"listen 443 ssl;", f"listen {HOST}:{port};", server)
    server = re.sub(r"\n\s*ssl_certificate\S*\s+[^;]+;", "", server)
    server = server.replace("server 127.0.0.1:8000;", f"server {HOST}:{upstream};")
    server = server.replace("/srv/zikong/static/", f"{ROOT}/static/")
    temp = "\n".join(f"    {kind}_temp_path {tmp_path / kind};"
                     for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    user = "user root;" if os.geteuid() == 0 else ""  # workers need tmp_path (mode 700)
    path = tmp_path / "nginx.conf"
    path.write_text(f"""{user}
daemon off;
worker_processes 1;
pid {tmp_path / 'nginx.pid'};
error_log {tmp_path / 'nginx-error.log'} warn;
events {{ worker_connections 64; }}
http {{
    access_log off;
{temp}
{server}
}}
""")
    return path


@pytest.fixture
def nginx(gunicorn, tmp_path):
    binary = nginx_binary()
    port = free_port()
    config = nginx_config(tmp_path, port, gunicorn)
    check = subprocess.run([binary, "-t", "-q", "-e", str(tmp_path / "nginx-error.log"),
                            "-c", str(config)], capture_output=True, text=True, check=False)
    assert check.returncode == 0, check.stderr
    process = subprocess.Popen([binary, "-e", str(tmp_path / "nginx-error.log"),
                                "-c", str(config)])
    deadline = time.monotonic() + 30
    while True:  # until it listens
        try:
            socket.create_connection((HOST, port), timeout=1).close()
            break
        except OSError:
            assert process.poll() is None and time.monotonic() < deadline, \
                (tmp_path / "nginx-error.log").read_text()
            time.sleep(0.05)
    yield port
    process.terminate()
    process.wait(timeout=30)


def test_slow_clients_starve_gunicorn_alone_but_not_behind_nginx(gunicorn, nginx):
    slow = [slow_client(nginx) for _ in range(2 * WORKERS)]
    try:
        for _ in range(5):
            assert healthz(nginx, timeout=10) == 200
    finally:
        for sock in slow:
            sock.close()
    # the threat is real: the same clients sent straight to gunicorn take every worker
    slow = [slow_client(gunicorn) for _ in range(WORKERS)]
    try:
        with pytest.raises(TimeoutError):
            healthz(gunicorn, timeout=3)
    finally:
        for sock in slow:
            sock.close()
    assert healthz(gunicorn, timeout=10) == 200
