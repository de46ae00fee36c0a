"""`flask --app app backup PATH` and `restore PATH`: a consistent online copy of the database
(SQLite's backup API, or pg_dump on PostgreSQL), and putting one back into a fresh database."""
import os
import shutil
import sqlite3
# pg_dump/pg_restore run with an argument list (no shell) and the password in the environment
import subprocess  # nosec B404
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import inspect
from sqlalchemy.engine import URL, make_url

from extensions import db


def _url() -> URL:
    return make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])


def _sqlite_path(url: URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise click.ClickException("an in-memory SQLite database cannot be backed up")
    return Path(url.database)


def _integrity(conn: sqlite3.Connection) -> str:
    return ", ".join(row[0] for row in conn.execute("PRAGMA integrity_check"))


def _libpq(url: URL) -> tuple[str, dict]:
    """A libpq connection URI without the password, and the environment carrying it (never
    on a command line, where `ps` would show it)."""
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = url.password
    uri = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    return uri, env


def _pg_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise click.ClickException(
            f"{name} not found: install the PostgreSQL client tools of the server's major "
            f"version (Debian: apt-get install postgresql-client) and try again")
    return path


def _run(command: list[str], env: dict) -> None:
    # A tool found on PATH by a fixed name, fixed options, the database URI without password.
    done = subprocess.run(command, env=env, capture_output=True, text=True,  # noqa: S603  # nosec B603
                          check=False)
    if done.returncode != 0:
        raise click.ClickException(f"{Path(command[0]).name} failed: {done.stderr.strip()}")


def backup_sqlite(source: Path, target: Path) -> str:
    """Copy a live SQLite database with the backup API: one read transaction, so the copy is
    a consistent snapshot even while workers write (WAL lets them go on). The copy is
    written beside the target, checked, switched to a self-contained rollback journal and
    only then renamed into place."""
    partial = target.with_name(f".{target.name}.partial-{os.getpid()}")
    partial.unlink(missing_ok=True)
    src = sqlite3.connect(source, timeout=30)
    dst = sqlite3.connect(partial)
    try:
        src.execute("PRAGMA busy_timeout=30000")
        src.backup(dst)
        dst.execute("PRAGMA journal_mode=DELETE")
        result = _integrity(dst)
    finally:
        dst.close()
        src.close()
    if result != "ok":
        partial.unlink(missing_ok=True)
        raise click.ClickException(f"the copy failed its integrity check: {result}")
    with open(partial, "rb") as fh:
        os.fsync(fh.fileno())
    os.replace(partial, target)
    return result


def restore_sqlite(source: Path, target: Path) -> str:
    """Write a backup into the configured SQLite file (which must hold no tables yet)."""
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(target, timeout=30)
    try:
        if _integrity(src) != "ok":
            raise click.ClickException(f"{source} is damaged: {_integrity(src)}")
        src.backup(dst)
        dst.execute("PRAGMA journal_mode=WAL")
        return _integrity(dst)
    finally:
        dst.close()
        src.close()


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace PATH if it exists.")
@with_appcontext
def backup_command(path: Path, force: bool):
    """Write a consistent copy of the live database to PATH (SQLite: a database file;
    PostgreSQL: a pg_dump custom-format archive). Safe while the app is serving."""
    if path.exists() and not force:
        raise click.ClickException(f"{path} exists; choose a new name or pass --force")
    url = _url()
    if url.get_backend_name() == "sqlite":
        result = backup_sqlite(_sqlite_path(url), path)
        click.echo(f"backup: {path} (SQLite, integrity {result})")
    elif url.get_backend_name() == "postgresql":
        uri, env = _libpq(url)
        partial = path.with_name(f".{path.name}.partial-{os.getpid()}")
        _run([_pg_tool("pg_dump"), "--format=custom", "--no-owner", "--file", str(partial),
              "--dbname", uri], env)
        os.replace(partial, path)
        click.echo(f"backup: {path} (pg_dump custom format)")
    else:
        raise click.ClickException(f"no backup method for {url.get_backend_name()}")


@click.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def restore_command(path: Path):
    """Restore a backup made by `backup` into the configured database, which must be new
    and empty (no tables). Stop the app first; run `flask db upgrade` afterwards."""
    tables = inspect(db.engine).get_table_names()
    db.engine.dispose()
    if tables:
        raise click.ClickException("the configured database already has tables: restore "
                                   "into a new, empty database")
    url = _url()
    if url.get_backend_name() == "sqlite":
        result = restore_sqlite(path, _sqlite_path(url))
        click.echo(f"restored {path} into {url.database} (integrity {result})")
    elif url.get_backend_name() == "postgresql":
        uri, env = _libpq(url)
        _run([_pg_tool("pg_restore"), "--no-owner", "--exit-on-error", "--single-transaction",
              "--dbname", uri, str(path)], env)
        click.echo(f"restored {path} into {url.database}")
    else:
        raise click.ClickException(f"no restore method for {url.get_backend_name()}")
