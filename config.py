"""Configuration: defaults here, then instance/config.py, then ZIKONG_* environment variables."""
import os
import secrets
from pathlib import Path


class Defaults:
    SQLALCHEMY_DATABASE_URI = None  # set in load_config: instance/zikong.sqlite3
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    TIMEZONE = "Asia/Shanghai"
    BABEL_DEFAULT_LOCALE = "zh_Hans_CN"
    BABEL_DEFAULT_TIMEZONE = "Asia/Shanghai"
    LANGUAGES = ("zh_Hans_CN", "en")
    MAX_CONTENT_LENGTH = 1024 * 1024  # 1 MiB: far above any ticket form
    WTF_CSRF_TIME_LIMIT = None  # tokens live as long as the session
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False  # set ZIKONG_COOKIE_SECURE=1 behind TLS
    SESSION_COOKIE_NAME = "zikong_session"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = False
    PERMANENT_SESSION_LIFETIME = 12 * 3600  # absolute limit: one long shift
    QUEUE_REFRESH_SECONDS = 30


ENV_PREFIX = "ZIKONG_"
ENV_KEYS = {
    "DATABASE_URL": "SQLALCHEMY_DATABASE_URI",
    "SECRET_KEY": "SECRET_KEY",
    "TIMEZONE": "TIMEZONE",
    "COOKIE_SECURE": "SESSION_COOKIE_SECURE",
}


def _env_value(name, raw):
    if name == "COOKIE_SECURE":
        return raw.strip().lower() in {"1", "true", "yes", "on"}
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
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret(instance / "secret_key")
    app.config["BABEL_DEFAULT_TIMEZONE"] = app.config["TIMEZONE"]
    app.config["SESSION_COOKIE_SECURE"] = app.config["REMEMBER_COOKIE_SECURE"] = bool(
        app.config["SESSION_COOKIE_SECURE"])


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
