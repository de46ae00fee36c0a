"""What the benchmark shares between the generator, the runner and the test: the bench
instance configuration, the people it signs in as, and where its databases live."""
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
DATA = RESULTS / "db"  # git-ignored with the results

#: Every bench account has this password (hashed once, with the fast method below).
PASSWORD = "zikong-bench"

#: The bench instance configuration, given to create_app() by the generator: a fast password
#: hash for the ~500 bench users (production keeps scrypt), a fixed key, quiet logs.
APP_CONFIG = {
    "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
    "SECRET_KEY": "zikong-bench-only-" + "0" * 40,
    "LOG_LEVEL": "WARNING",
}

#: The people the load driver signs in as (employee numbers made by the generator).
PERSONAS = {
    "checker": "190001",     # 自控组: the quality queue, the search, ticket pages
    "lead": "201000",        # 一班 lead: the review queue
    "agent": "201001",       # 一班 agent: the bell
    "owner": "190000",       # 白名单负责人: the dashboard
    "manager": "160001",     # 主值班: the export
}


def sqlite_url(tickets: int) -> str:
    DATA.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{DATA / f'zikong-bench-{tickets}.sqlite3'}"


def postgres_url(base: str, tickets: int) -> str:
    """The bench never touches the tables of the database it is pointed at: each dataset
    lives in a schema of its own (zikong_bench_<tickets>), chosen with search_path."""
    sep = "&" if "?" in base else "?"
    return f"{base}{sep}options=-csearch_path%3D{schema_name(tickets)}"


def schema_name(tickets: int) -> str:
    return f"zikong_bench_{int(tickets)}"


def env_postgres_base() -> str | None:
    """The PostgreSQL server to bench against: BENCH_POSTGRES_URL, else ZIKONG_DATABASE_URL
    when it names PostgreSQL."""
    for name in ("BENCH_POSTGRES_URL", "ZIKONG_DATABASE_URL"):
        url = os.environ.get(name, "")
        if url.startswith("postgresql"):
            return url
    return None
