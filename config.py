"""Configuration: defaults here, then instance/config.py, then ZIKONG_* environment variables."""
import json
import os
import secrets
from pathlib import Path


class Defaults:
    SQLALCHEMY_DATABASE_URI = None  # set in load_config: instance/zikong.sqlite3
    SQLALCHEMY_ENGINE_OPTIONS = {}  # load_config adds pool_pre_ping for a database server
    TIMEZONE = "Asia/Shanghai"
    BABEL_DEFAULT_LOCALE = "zh_Hans_CN"
    BABEL_DEFAULT_TIMEZONE = "Asia/Shanghai"
    LANGUAGES = ("zh_Hans_CN", "en")
    MAX_CONTENT_LENGTH = 1024 * 1024  # 1 MiB: far above any ticket form
    WTF_CSRF_TIME_LIMIT = None  # tokens live as long as the session
    # Cookies: set explicitly rather than trusting library defaults (SECURITY.md, 3.3.x).
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False  # set ZIKONG_COOKIE_SECURE=1 behind TLS
    SESSION_COOKIE_NAME = "zikong_session"
    # The cookie is sent again only when the session changes (sign-in, language, "last seen"
    # once a minute — blueprints/auth/sessions.py), not re-signed on every request: the
    # limits are checked on the server from the times inside it, so refreshing its expiry
    # adds nothing but work to every request, the bell poll included.
    SESSION_REFRESH_EACH_REQUEST = False
    # Sign-in never sets a remember-me cookie; should one ever be issued it gets the same flags
    # and cannot outlive a session.
    REMEMBER_COOKIE_NAME = "zikong_remember"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = False
    REMEMBER_COOKIE_DURATION = 12 * 3600
    # Session limits, checked on the server from times kept in the signed session: signed out
    # after SESSION_IDLE_TIMEOUT without a request, and SESSION_ABSOLUTE_TIMEOUT after
    # signing in whatever happens (one long shift). The cookie itself expires with the latter.
    SESSION_IDLE_TIMEOUT = 60 * 60
    SESSION_ABSOLUTE_TIMEOUT = 12 * 3600
    PERMANENT_SESSION_LIFETIME = 12 * 3600
    # Sign-in throttling, shared by every worker and host through the database: an account
    # (employee no.) or a client address with this many failed sign-ins within the window
    # gets 429 until the oldest of them leaves the window. Addresses get a higher limit, as
    # several agents may sit behind one NAT address.
    LOGIN_FAILURE_WINDOW = 15 * 60
    LOGIN_MAX_FAILURES_PER_ACCOUNT = 5
    LOGIN_MAX_FAILURES_PER_ADDRESS = 30
    # Reverse proxies in front of the app whose X-Forwarded-For/-Proto to trust (nginx: 1).
    # 0 trusts none: the client address is the socket's peer.
    PROXY_COUNT = 0
    LOG_LEVEL = "INFO"
    # How long a write waits for another writer's lock before the page answers 503 系统繁忙
    # with Retry-After (services/db.py configure_waits): SQLite's busy timeout, and a
    # PostgreSQL lock_timeout for write transactions, kept below gunicorn's 30 s worker
    # timeout so that the user gets the form back rather than a killed worker.
    SQLITE_BUSY_TIMEOUT_MS = 10_000
    POSTGRES_LOCK_TIMEOUT_MS = 25_000
    BUSY_RETRY_AFTER = 10  # seconds, the Retry-After of that 503
    QUEUE_REFRESH_SECONDS = 30
    # The floor's day (班次日) starts at this local time: before it, the handover table, the
    # homes and the feedback notes still count the previous day (the night shift). The
    # 系统配置 page can override it.
    DAY_START = "08:00"
    # Recording evidence (audio excerpts): stored outside static/ under random names, in
    # UPLOAD_DIR (default instance/uploads, set in load_config), at most this size each.
    UPLOAD_DIR = None
    # Ballots are sealed under a key derived from BALLOT_KEY when set, else from SECRET_KEY
    # (domain.ballots). Changing it while a vote is open makes that vote's ballots unreadable:
    # the site head then rules on it.
    BALLOT_KEY = None
    EVIDENCE_MAX_BYTES = 20 * 1024 * 1024
    # The address people open Zikong at (https://zikong.intranet): links in notifications
    # sent from cron, where there is no request to take it from.
    PUBLIC_URL = ""

    # Directory sign-in (ldap3; services/directory.py). Off while LDAP_URLS is empty. The
    # group -> role/team mapping is edited under 系统配置; the bind password only ever comes
    # from here (instance/config.py or ZIKONG_LDAP_BIND_PASSWORD), never the database.
    LDAP_URLS = ""                 # "ldaps://dc1.corp:636 ldaps://dc2.corp:636", tried in turn
    LDAP_STARTTLS = True           # StartTLS on ldap:// URLs (ldaps:// is TLS from the start)
    LDAP_CA_FILE = ""              # CA bundle that signed the servers' certificates
    LDAP_BIND_DN = ""              # service account that looks people up …
    LDAP_BIND_PASSWORD = ""  # nosec B105: empty, set from the environment
    LDAP_USER_DN_TEMPLATE = ""     # … or bind directly as "{employee_no}@corp.example.com"
    LDAP_BASE_DN = ""
    LDAP_USER_FILTER = "(objectClass=person)"
    LDAP_EMPLOYEE_ATTR = "employeeNumber"
    LDAP_NAME_ATTR = "displayName"
    LDAP_GROUP_BASE_DN = ""        # default: LDAP_BASE_DN
    LDAP_GROUP_FILTER = "(member={dn})"
    LDAP_CONNECT_TIMEOUT = 3       # seconds per server, so an unreachable directory answers
    LDAP_TIMEOUT = 5               # quickly; and per operation

    # Notification channels (services/notify): name -> {"type": "wecom" | "dingtalk" |
    # "email", …}; webhooks, signing secrets and SMTP passwords live only here or in
    # ZIKONG_NOTIFY_CHANNELS (JSON). Which events go where is edited under 系统配置.
    NOTIFY_CHANNELS = {}
    NOTIFY_TIMEOUT = 5             # seconds per delivery attempt

    # SMS gateway: "outbox" records only (the default); "http" posts to the centre's SMS
    # platform through the outbox (services/sms_gateway.py).
    SMS_GATEWAY = "outbox"
    SMS_HTTP_URL = ""
    SMS_HTTP_METHOD = "POST"
    SMS_HTTP_AUTH_HEADER = ""      # "Authorization: Bearer …" (secret: environment only)
    SMS_HTTP_CONTENT_TYPE = "application/json"
    SMS_HTTP_BODY_TEMPLATE = '{"mobile": "{number}", "content": "{text}"}'
    SMS_HTTP_PER_MINUTE = 60


ENV_PREFIX = "ZIKONG_"
#: ZIKONG_<name> in the environment -> config key.
ENV_KEYS = {
    "DATABASE_URL": "SQLALCHEMY_DATABASE_URI",
    "COOKIE_SECURE": "SESSION_COOKIE_SECURE",
    **{name: name for name in ("SECRET_KEY", "BALLOT_KEY", "TIMEZONE", "PROXY_COUNT",
                               "LOG_LEVEL", "UPLOAD_DIR", "EVIDENCE_MAX_BYTES",
                               "SQLITE_BUSY_TIMEOUT_MS", "POSTGRES_LOCK_TIMEOUT_MS",
                               "PUBLIC_URL", "NOTIFY_CHANNELS", "NOTIFY_TIMEOUT",
                               "LDAP_URLS", "LDAP_STARTTLS", "LDAP_CA_FILE", "LDAP_BIND_DN",
                               "LDAP_BIND_PASSWORD", "LDAP_USER_DN_TEMPLATE", "LDAP_BASE_DN",
                               "LDAP_USER_FILTER", "LDAP_EMPLOYEE_ATTR", "LDAP_NAME_ATTR",
                               "LDAP_GROUP_BASE_DN", "LDAP_GROUP_FILTER",
                               "LDAP_CONNECT_TIMEOUT", "LDAP_TIMEOUT", "SMS_GATEWAY",
                               "SMS_HTTP_URL", "SMS_HTTP_METHOD", "SMS_HTTP_AUTH_HEADER",
                               "SMS_HTTP_CONTENT_TYPE", "SMS_HTTP_BODY_TEMPLATE",
                               "SMS_HTTP_PER_MINUTE", "DAY_START")},
}
_INTEGERS = {"EVIDENCE_MAX_BYTES", "PROXY_COUNT", "SQLITE_BUSY_TIMEOUT_MS",
             "POSTGRES_LOCK_TIMEOUT_MS", "NOTIFY_TIMEOUT", "LDAP_CONNECT_TIMEOUT",
             "LDAP_TIMEOUT", "SMS_HTTP_PER_MINUTE"}
_BOOLEANS = {"COOKIE_SECURE", "LDAP_STARTTLS"}


def _env_value(name, raw):
    if name in _INTEGERS:
        return int(raw)
    if name in _BOOLEANS:
        return raw.strip().lower() in {"1", "true", "yes", "on"}
    if name == "NOTIFY_CHANNELS":
        return json.loads(raw)
    return raw


def load_config(app, test_config=None):
    """Fill app.config in order: defaults, instance/config.py, environment, test_config."""
    app.config.from_object(Defaults)
    app.config.from_pyfile("config.py", silent=True)
    for key, target in ENV_KEYS.items():
        raw = os.environ.get(ENV_PREFIX + key)
        if raw:
            app.config[target] = _env_value(key, raw)
    if test_config:
        app.config.update(test_config)

    instance = Path(app.instance_path)
    instance.mkdir(parents=True, exist_ok=True)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{instance / 'zikong.sqlite3'}"
    # A database server can restart or drop idle connections: test each pooled connection
    # before use. A SQLite file cannot go away, and the test is work on every request.
    options = app.config["SQLALCHEMY_ENGINE_OPTIONS"] = dict(
        app.config["SQLALCHEMY_ENGINE_OPTIONS"])
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        options.setdefault("pool_pre_ping", True)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret(instance / "secret_key")
    if not app.config.get("UPLOAD_DIR"):
        app.config["UPLOAD_DIR"] = str(instance / "uploads")
    app.config["BABEL_DEFAULT_TIMEZONE"] = app.config["TIMEZONE"]
    app.config["SESSION_COOKIE_SECURE"] = app.config["REMEMBER_COOKIE_SECURE"] = bool(
        app.config["SESSION_COOKIE_SECURE"])
    # The cookie never outlives the server-side absolute limit.
    app.config["PERMANENT_SESSION_LIFETIME"] = app.config["REMEMBER_COOKIE_DURATION"] = \
        app.config["SESSION_ABSOLUTE_TIMEOUT"]


def _instance_secret(path: Path) -> str:
    """Read the generated secret key, creating it (mode 600) on first run."""
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        pass
    key = secrets.token_hex(32)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another worker won the race
        return path.read_text().strip()
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    return key
