"""What generate.py, run.py and the benchmark's gunicorn app share: paths, keys, the app and a
reusable PostgreSQL cluster under bench/out/ (git-ignored)."""

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
OUT = BENCH_DIR / "out"
KEYS_FILE = OUT / "keys.json"
PG_DIR = OUT / "pg"
PG_RUN = Path("/tmp/cdop-bench-pg")  # socket directory (a short path)

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

COORDINATOR = "coordinator@bench.example"
PASSWORD = "bench-password-2026"  # noqa: S105 (synthetic data only)


def ensure_keys():
    from cdop_scr.crypto import keys

    OUT.mkdir(parents=True, exist_ok=True)
    keys.create_development_file(KEYS_FILE)
    return keys.from_file(KEYS_FILE)


def sqlite_url(name):
    return f"sqlite:///{OUT / f'{name}.sqlite'}"


def make_app(url, **overrides):
    """The real app (development config) on `url` with the benchmark's key ring."""
    from cdop_scr import create_app

    settings = {"SQLALCHEMY_DATABASE_URI": url, "KEYRING": ensure_keys()}
    settings.update(overrides)
    return create_app("development", **settings)


def copy_sqlite(source_url, target_url):
    """A consistent copy of an SQLite database (the online backup API, WAL included)."""
    import sqlite3

    drop_sqlite(target_url)
    source = sqlite3.connect(source_url.removeprefix("sqlite:///"))
    target = sqlite3.connect(target_url.removeprefix("sqlite:///"))
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()
    return target_url


def drop_sqlite(url):
    path = url.removeprefix("sqlite:///")
    for suffix in ("", "-wal", "-shm", "-journal"):
        if os.path.exists(path + suffix):
            os.remove(path + suffix)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- PostgreSQL: one cluster kept in bench/out/pg so generated databases survive runs --------

def _pg_bin():
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name))
    if not versions or not (versions[-1] / "initdb").exists():
        raise RuntimeError("PostgreSQL is not installed (bash .ci/with-postgres.sh installs it)")
    return versions[-1]


def _as_postgres():
    return ["runuser", "-u", "postgres", "--"] if os.getuid() == 0 else []


class Postgres:
    """Start (initdb on first use) a loopback-only server on bench/out/pg; stop() when done."""

    def __init__(self):
        self.bin = _pg_bin()
        self.port = free_port()
        self.version = None

    def _run(self, *args, **kwargs):
        return subprocess.run([*_as_postgres(), *args], check=True, **kwargs)

    def start(self):
        PG_RUN.mkdir(exist_ok=True)
        if os.getuid() == 0:
            shutil.chown(PG_RUN, "postgres")
        if not (PG_DIR / "PG_VERSION").exists():
            PG_DIR.mkdir(parents=True, exist_ok=True)
            if os.getuid() == 0:
                shutil.chown(PG_DIR, "postgres")
            self._run(str(self.bin / "initdb"), "-D", str(PG_DIR), "-U", "cdop", "-A", "trust",
                      "-E", "UTF8", "--no-instructions", stdout=subprocess.DEVNULL)
        # Production-like durability: fsync and synchronous_commit stay on.
        options = (f"-p {self.port} -k {PG_RUN} -c listen_addresses=127.0.0.1 "
                   f"-c max_connections=100 -c shared_buffers=256MB")
        self._run(str(self.bin / "pg_ctl"), "-D", str(PG_DIR), "-l", str(PG_DIR / "server.log"),
                  "-w", "-o", options, "start", stdout=subprocess.DEVNULL)
        self.version = subprocess.run([str(self.bin / "postgres"), "--version"],
                                      capture_output=True, text=True).stdout.split()[-1]
        return self

    def stop(self):
        subprocess.run([*_as_postgres(), str(self.bin / "pg_ctl"), "-D", str(PG_DIR), "-m",
                        "fast", "stop"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def url(self, database="postgres"):
        return f"postgresql+psycopg://cdop@127.0.0.1:{self.port}/{database}"

    def _admin(self, sql):
        from sqlalchemy import create_engine, text

        engine = create_engine(self.url(), isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as conn:
                return conn.execute(text(sql)).all() if sql.lstrip().upper().startswith(
                    "SELECT") else conn.execute(text(sql))
        finally:
            engine.dispose()

    def exists(self, name):
        return bool(self._admin(f"SELECT 1 FROM pg_database WHERE datname = '{name}'"))

    def create(self, name):
        self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self._admin(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def clone(self, template, name):
        """A scratch copy of database `template` (CREATE DATABASE ... TEMPLATE)."""
        self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self._admin(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        return self.url(name)

    def drop(self, name):
        self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


def wait_for(predicate, seconds=30.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False
