"""A real OpenLDAP server for the directory tests: Debian's slapd on a free 127.0.0.1 port,
in a temporary folder, unprivileged, loaded from LDIF with slapadd before it starts."""
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from .certs import make_ca_and_server

SLAPD = shutil.which("slapd") or "/usr/sbin/slapd"
SLAPADD = shutil.which("slapadd") or "/usr/sbin/slapadd"
SCHEMAS = ("core", "cosine", "inetorgperson", "nis")
SUFFIX = "dc=zikong,dc=test"
ROOT_DN = f"cn=admin,{SUFFIX}"
ROOT_PASSWORD = "root-secret"
#: The service account Zikong binds with to look people up.
SERVICE_DN = f"cn=zikong-svc,ou=services,{SUFFIX}"
SERVICE_PASSWORD = "svc-secret"


def available() -> bool:
    return os.path.exists(SLAPD) and os.path.exists(SLAPADD)


def require_slapd() -> None:
    if not available():
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true but slapd is missing: .ci/run installs slapd and ldap-utils")
        pytest.skip("OpenLDAP's slapd is not installed (apt-get install slapd ldap-utils): "
                    "the directory tests need a real server")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def person(uid: str, employee_no: str, name: str, password: str, mail: str = "") -> str:
    return (f"dn: uid={uid},ou=people,{SUFFIX}\nobjectClass: inetOrgPerson\nuid: {uid}\n"
            f"cn: {name}\nsn: {name[:1]}\ndisplayName: {name}\nemployeeNumber: {employee_no}\n"
            f"userPassword: {password}\n" + (f"mail: {mail}\n" if mail else "") + "\n")


def group(cn: str, *member_uids: str) -> str:
    members = "".join(f"member: uid={uid},ou=people,{SUFFIX}\n" for uid in member_uids) \
        or f"member: {ROOT_DN}\n"  # groupOfNames needs at least one member
    return f"dn: cn={cn},ou=groups,{SUFFIX}\nobjectClass: groupOfNames\ncn: {cn}\n{members}\n"


def base_tree() -> str:
    return (f"dn: {SUFFIX}\nobjectClass: dcObject\nobjectClass: organization\ndc: zikong\n"
            f"o: Zikong test centre\n\n"
            f"dn: ou=people,{SUFFIX}\nobjectClass: organizationalUnit\nou: people\n\n"
            f"dn: ou=groups,{SUFFIX}\nobjectClass: organizationalUnit\nou: groups\n\n"
            f"dn: ou=services,{SUFFIX}\nobjectClass: organizationalUnit\nou: services\n\n"
            f"dn: {SERVICE_DN}\nobjectClass: organizationalRole\n"
            f"objectClass: simpleSecurityObject\ncn: zikong-svc\n"
            f"userPassword: {SERVICE_PASSWORD}\n\n")


class Slapd:
    """One slapd process; with `tls`, also StartTLS and ldaps:// under a throw-away CA
    (`ca_file`)."""

    def __init__(self, ldif: str, *, tls: bool = False):
        self.dir = Path(tempfile.mkdtemp(prefix="zikong-slapd-"))
        self.port = free_port()
        self.ldaps_port = free_port() if tls else None
        self.tls = make_ca_and_server(self.dir / "tls") if tls else None
        self.ca_file = self.tls["ca"] if tls else None
        self.ldif = ldif
        self.process = None

    @property
    def url(self) -> str:
        return f"ldap://127.0.0.1:{self.port}"

    @property
    def ldaps_url(self) -> str:
        return f"ldaps://127.0.0.1:{self.ldaps_port}"

    def _config(self) -> str:
        lines = [f"include /etc/ldap/schema/{name}.schema" for name in SCHEMAS]
        lines += [f"pidfile {self.dir}/slapd.pid", f"argsfile {self.dir}/slapd.args",
                  "modulepath /usr/lib/ldap", "moduleload back_mdb"]
        if self.tls:
            lines += [f"TLSCertificateFile {self.tls['cert']}",
                      f"TLSCertificateKeyFile {self.tls['key']}"]
        # As a directory would: passwords only for binding, people readable only by someone
        # signed in (the service account, or the person), never anonymously.
        lines += ["database mdb", f'suffix "{SUFFIX}"', f'rootdn "{ROOT_DN}"',
                  f"rootpw {ROOT_PASSWORD}", f"directory {self.dir}/data", "maxsize 10485760",
                  "access to attrs=userPassword by self write by anonymous auth by * none",
                  "access to * by users read by * none"]
        return "\n".join(lines) + "\n"

    def start(self) -> "Slapd":
        (self.dir / "data").mkdir()
        (self.dir / "slapd.conf").write_text(self._config())
        (self.dir / "tree.ldif").write_text(self.ldif)
        conf = str(self.dir / "slapd.conf")
        subprocess.run([SLAPADD, "-q", "-f", conf, "-l", str(self.dir / "tree.ldif")],
                       check=True, capture_output=True, timeout=60)
        user = []
        if os.geteuid() == 0:  # never run the server as root: Debian's openldap user
            account = pwd.getpwnam("openldap")
            for path in [self.dir, *self.dir.rglob("*")]:
                os.chown(path, account.pw_uid, account.pw_gid)
            user = ["-u", "openldap", "-g", "openldap"]
        urls = self.url + "/" + (f" {self.ldaps_url}/" if self.tls else "")
        self.process = subprocess.Popen(
            [SLAPD, "-d", "0", "-f", conf, "-h", urls, *user],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        self._wait_until_listening()
        return self

    def _wait_until_listening(self) -> None:
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("slapd exited: " + self.process.stderr.read().decode()[-2000:])
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("slapd did not start listening")

    def connection(self):
        """An ldap3 connection as the directory's administrator (to change the tree)."""
        import ldap3
        return ldap3.Connection(ldap3.Server(self.url), ROOT_DN, ROOT_PASSWORD, auto_bind=True)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.dir, ignore_errors=True)
