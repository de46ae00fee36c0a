"""The LDAP conversation (ldap3): find a person by employee no., check their password by
binding as them, read their groups, list everyone for a sync. No database here."""
import ssl
from dataclasses import dataclass

import ldap3
from flask import current_app
from ldap3.core.exceptions import LDAPException
from ldap3.utils.conv import escape_filter_chars
from ldap3.utils.dn import escape_rdn

from domain.directory import Entry
from domain.people import is_employee_no


class DirectoryUnavailable(Exception):
    """No directory server answered in time (or TLS or the service account failed)."""


@dataclass(frozen=True)
class Settings:
    urls: tuple[str, ...]
    starttls: bool
    ca_file: str
    bind_dn: str
    bind_password: str
    user_dn_template: str
    base_dn: str
    user_filter: str
    employee_attr: str
    name_attr: str
    group_base_dn: str
    group_filter: str
    connect_timeout: int
    timeout: int

    @property
    def enabled(self) -> bool:
        return bool(self.urls)


def settings() -> Settings:
    config = current_app.config
    urls = tuple(u for u in str(config.get("LDAP_URLS") or "").replace(",", " ").split() if u)
    return Settings(
        urls=urls, starttls=bool(config["LDAP_STARTTLS"]), ca_file=config["LDAP_CA_FILE"] or "",
        bind_dn=config["LDAP_BIND_DN"] or "", bind_password=config["LDAP_BIND_PASSWORD"] or "",
        user_dn_template=config["LDAP_USER_DN_TEMPLATE"] or "", base_dn=config["LDAP_BASE_DN"],
        user_filter=config["LDAP_USER_FILTER"] or "(objectClass=person)",
        employee_attr=config["LDAP_EMPLOYEE_ATTR"], name_attr=config["LDAP_NAME_ATTR"],
        group_base_dn=config["LDAP_GROUP_BASE_DN"] or config["LDAP_BASE_DN"],
        group_filter=config["LDAP_GROUP_FILTER"] or "(member={dn})",
        connect_timeout=int(config["LDAP_CONNECT_TIMEOUT"]), timeout=int(config["LDAP_TIMEOUT"]))


def _tls(s: Settings) -> ldap3.Tls:
    return ldap3.Tls(validate=ssl.CERT_REQUIRED, ca_certs_file=s.ca_file or None,
                     version=ssl.PROTOCOL_TLS_CLIENT)


def _connect(s: Settings, user: str | None, password: str | None) -> ldap3.Connection:
    """An open connection to the first server that answers, StartTLS done when configured,
    not yet bound. Each server gets `connect_timeout` seconds; none answering, or TLS
    failing, is DirectoryUnavailable."""
    last = None
    for url in s.urls:
        secure = url.lower().startswith("ldaps://")
        server = ldap3.Server(url, use_ssl=secure, get_info=ldap3.NONE,
                              tls=_tls(s) if secure or s.starttls else None,
                              connect_timeout=s.connect_timeout)
        conn = ldap3.Connection(server, user=user, password=password, read_only=True,
                                receive_timeout=s.timeout, auto_bind=ldap3.AUTO_BIND_NONE,
                                raise_exceptions=False)
        try:
            conn.open()
            if s.starttls and not secure and not conn.start_tls():
                raise DirectoryUnavailable(f"StartTLS refused by {url}")
            return conn
        except (LDAPException, OSError, DirectoryUnavailable) as exc:
            last = exc
            _close(conn)
    raise DirectoryUnavailable(str(last) if last else "no directory server configured")


def _close(conn: ldap3.Connection) -> None:
    """Unbind, whatever state the connection is in (a failed TLS handshake closes it)."""
    try:
        conn.unbind()
    except (LDAPException, OSError):
        pass


def _bind(conn: ldap3.Connection) -> bool:
    try:
        return bool(conn.bind())
    except (LDAPException, OSError) as exc:
        raise DirectoryUnavailable(str(exc)) from exc


def _search(conn: ldap3.Connection, base: str, query: str, attributes, limit: int = 0):
    try:
        conn.search(base, query, ldap3.SUBTREE, attributes=attributes, size_limit=limit)
    except (LDAPException, OSError) as exc:
        raise DirectoryUnavailable(str(exc)) from exc
    if conn.result.get("result") not in (0, 4):  # success, or size limit exceeded
        raise DirectoryUnavailable(conn.result.get("description", "search failed"))
    return [e for e in conn.response or () if e.get("type") == "searchResEntry"]


def _service(s: Settings) -> ldap3.Connection:
    conn = _connect(s, s.bind_dn or None, s.bind_password or None)
    if s.bind_dn and not _bind(conn):
        _close(conn)
        raise DirectoryUnavailable("the service account was refused")
    return conn


def _first(values, fallback: str = "") -> str:
    if isinstance(values, (list, tuple)):
        return str(values[0]) if values else fallback
    return str(values) if values not in (None, "") else fallback


def _person_filter(s: Settings, employee_no: str | None) -> str:
    value = escape_filter_chars(employee_no) if employee_no else "*"
    return f"(&{s.user_filter}({s.employee_attr}={value}))"


def _groups(s: Settings, conn: ldap3.Connection, dn: str) -> tuple[str, ...]:
    query = s.group_filter.replace("{dn}", escape_filter_chars(dn))
    return tuple(e["dn"] for e in _search(conn, s.group_base_dn, query, ["cn"]))


def _entry(s: Settings, conn: ldap3.Connection, raw) -> Entry | None:
    attrs = raw.get("attributes") or {}
    employee_no = _first(attrs.get(s.employee_attr))
    if not is_employee_no(employee_no):
        return None
    return Entry(employee_no=employee_no, dn=raw["dn"],
                 name=_first(attrs.get(s.name_attr)) or _first(attrs.get("cn")),
                 groups=_groups(s, conn, raw["dn"]))


def verify(s: Settings, employee_no: str, password: str) -> Entry | None:
    """The person, when `password` is theirs (the directory accepts a bind as them); None
    for an unknown employee no. or a wrong password."""
    if not is_employee_no(employee_no) or not password:
        # An empty password would be an anonymous bind, which many servers accept.
        return None
    attributes = [s.employee_attr, s.name_attr, "cn"]
    if s.user_dn_template:
        conn = _connect(s, s.user_dn_template.replace("{employee_no}", escape_rdn(employee_no)),
                        password)
        try:
            if not _bind(conn):
                return None
            found = _search(conn, s.base_dn, _person_filter(s, employee_no), attributes, 2)
            return _entry(s, conn, found[0]) if len(found) == 1 else None
        finally:
            _close(conn)
    conn = _service(s)
    try:
        found = _search(conn, s.base_dn, _person_filter(s, employee_no), attributes, 2)
        if len(found) != 1:
            return None
        person = _connect(s, found[0]["dn"], password)
        try:
            if not _bind(person):
                return None
        finally:
            _close(person)
        return _entry(s, conn, found[0])
    finally:
        _close(conn)


def everyone(s: Settings) -> list[Entry]:
    """Every person the user filter finds who has a usable employee no., with their groups
    (for `flask directory sync`). Needs the service account."""
    if not s.bind_dn:
        raise DirectoryUnavailable("a sync needs the service account (LDAP_BIND_DN)")
    conn = _service(s)
    try:
        attributes = [s.employee_attr, s.name_attr, "cn"]
        try:
            pages = conn.extend.standard.paged_search(
                s.base_dn, _person_filter(s, None), ldap3.SUBTREE, attributes=attributes,
                paged_size=500, generator=False)
        except (LDAPException, OSError) as exc:
            raise DirectoryUnavailable(str(exc)) from exc
        if conn.result.get("result") not in (0, 4):
            raise DirectoryUnavailable(conn.result.get("description", "search failed"))
        entries = [_entry(s, conn, raw) for raw in pages or ()
                   if raw.get("type") == "searchResEntry"]
        return [e for e in entries if e is not None]
    finally:
        _close(conn)
