"""Benchmarks at national volume on SQLite and PostgreSQL; prints a table, writes RESULTS.md.

    make bench                      # or: .venv/bin/python bench/run.py [options]

Generates (once, then reused from bench/out/) 50,000 and 10,000 synthetic cases per database
through the app's import path, then measures: (1) the statutory return vs the bare SQL GROUP
BY queries, (2) the case list and a case page under gunicorn with 16 clients, (3) blind-index
search vs a decrypt-and-compare scan, (4) CSV import of 10,000 rows vs the same rows with
encryption off, (5) peak RSS of building the return at 10,000 and 50,000 cases.
"""

import argparse
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import time
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402
import generate  # noqa: E402
import load  # noqa: E402

RESULTS = common.BENCH_DIR / "RESULTS.md"
YEAR = "2025-26"  # the last complete financial year before the synthetic data's "today"
IMPORT_ROWS = 10_000


def timed(fn, repeat):
    """Median and best wall time of `repeat` calls (after one warm-up call), in ms."""
    fn()
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        fn()
        times.append((time.perf_counter() - began) * 1000)
    return statistics.median(times), min(times)


# 1. The statutory return vs the bare SQL ----------------------------------------------------

def bench_return(app):
    from sqlalchemy import event

    from cdop_scr.extensions import db
    from cdop_scr.reporting import services

    with app.app_context():
        captured = []

        def capture(conn, cursor, statement, parameters, context, executemany):
            captured.append((statement, parameters))

        event.listen(db.engine, "before_cursor_execute", capture)
        services.build_return(None, YEAR)
        event.remove(db.engine, "before_cursor_execute", capture)
        group_by = [(s, p) for s, p in captured if "GROUP BY" in s]
        others = [(s, p) for s, p in captured if "GROUP BY" not in s]

        def bare(statements):
            def run():
                raw = db.engine.raw_connection()
                try:
                    cursor = raw.cursor()
                    for statement, parameters in statements:
                        cursor.execute(statement, parameters)
                        cursor.fetchall()
                    raw.rollback()
                finally:
                    raw.close()
            return run

        def build():
            services.build_return(None, YEAR)
            db.session.rollback()

        full, full_best = timed(build, 7)
        sql, sql_best = timed(bare(group_by), 7)
        quality, _ = timed(bare(others), 7)
        db.session.remove()
    return {"return_ms": full, "return_best_ms": full_best, "sql_ms": sql,
            "sql_best_ms": sql_best, "ratio": full / sql, "group_by_queries": len(group_by),
            "other_queries": len(others), "other_sql_ms": quality}


# 3. Blind-index search vs a decrypt-and-compare scan ----------------------------------------

def bench_search(app):
    from sqlalchemy import select

    from cdop_scr.crypto import cipher
    from cdop_scr.crypto.blind_index import blind_index
    from cdop_scr.crypto.fields import keyring
    from cdop_scr.extensions import db
    from cdop_scr.models.cases import Case

    with app.app_context():
        total = db.session.scalar(select(db.func.count()).select_from(Case))
        rng = random.Random(3)
        wanted = [generate.nhs_number(rng.randrange(total)) for _ in range(200)]
        lookups = iter(wanted * 2)

        def indexed():
            number = next(lookups)
            found = db.session.scalars(select(Case).where(
                Case.nhs_number_index == blind_index("nhs_number", number))).all()
            assert len(found) <= 1 and (not found or found[0].nhs_number == number)
            db.session.rollback()

        times = []
        indexed()
        for _ in range(200):
            began = time.perf_counter()
            indexed()
            times.append((time.perf_counter() - began) * 1000)
        times.sort()

        ring = keyring()
        target = wanted[0]

        def scan():
            matches = []
            for case_id, blob in db.session.execute(select(Case.id, Case._nhs_number_ct)):
                if blob is None:
                    continue
                aad = cipher.associated_data("child_death_case", "nhs_number", case_id)
                if cipher.decrypt(ring, bytes(blob), aad).decode() == target:
                    matches.append(case_id)
            db.session.rollback()
            assert len(matches) == 1
        scan_ms, _ = timed(scan, 3)
        db.session.remove()
    return {"index_p50_ms": statistics.median(times), "index_p95_ms": load.percentile(times, 95),
            "scan_ms": scan_ms, "rows": total}


# 4. CSV import of 10,000 rows vs encryption off ----------------------------------------------

def _import_rows():
    from cdop_scr.cases.clocks import today

    return list(generate.case_rows(IMPORT_ROWS, today(), seed=99, first=10_000_000, tag="x"))


def _fresh_import_app(url):
    import flask_migrate

    app = common.make_app(url)
    with app.app_context():
        flask_migrate.upgrade()
        generate.create_users()
    return app


def _time_import(app, text):
    from sqlalchemy import select

    from cdop_scr.cases.importer import import_cases
    from cdop_scr.extensions import db
    from cdop_scr.models.users import User

    with app.app_context():
        actor = db.session.scalar(select(User).filter_by(email=common.COORDINATOR))
        began, cpu = time.perf_counter(), time.process_time()
        result = import_cases(actor, text, source="bench")
        elapsed, cpu = time.perf_counter() - began, time.process_time() - cpu
        assert result.ok, result.problems[:3]
        db.session.remove()
        db.engine.dispose()
    return elapsed, cpu


def _crypto_off():
    """Encryption off: AES-GCM and the blind-index HMAC replaced by identity functions."""
    from cdop_scr.crypto import blind_index, cipher

    saved = (cipher.encrypt, cipher.decrypt, blind_index._digest)
    cipher.encrypt = lambda ring, plaintext, aad: plaintext
    cipher.decrypt = lambda ring, blob, aad: blob

    def digest(key, kind, values):
        if any(v is None or v == "" for v in values):
            return None
        return (kind + ":" + "|".join(str(v) for v in values))[:64]
    blind_index._digest = digest
    return saved


def _crypto_on(saved):
    from cdop_scr.crypto import blind_index, cipher

    cipher.encrypt, cipher.decrypt, blind_index._digest = saved


def _plain_insert(url, rows):
    """The same rows as cleartext, one executemany INSERT into a scratch table."""
    from sqlalchemy import Column, MetaData, String, Table, create_engine

    engine = create_engine(url)
    meta = MetaData()
    columns = list(rows[0])
    table = Table("bench_plain_case", meta, Column("id", String(36), primary_key=True),
                  *[Column(c, String(10000)) for c in columns])
    meta.drop_all(engine)
    meta.create_all(engine)
    import uuid

    values = [{"id": str(uuid.uuid4()), **row} for row in rows]
    began = time.perf_counter()
    with engine.begin() as conn:
        conn.execute(table.insert(), values)
    elapsed = time.perf_counter() - began
    meta.drop_all(engine)
    engine.dispose()
    return elapsed


def bench_import(scratch):
    """`scratch(name)` gives a fresh empty database URL and drops it when called with None."""
    rows = _import_rows()
    text = generate.to_csv(rows)
    on, on_cpu = _time_import(_fresh_import_app(scratch("import_on")), text)
    saved = _crypto_off()
    try:
        off, _ = _time_import(_fresh_import_app(scratch("import_off")), text)
    finally:
        _crypto_on(saved)
    plain = _plain_insert(scratch("import_plain"), rows)
    scratch(None)
    return {"rows": len(rows), "seconds": on, "rows_per_s": len(rows) / on,
            "rows_per_cpu_s": len(rows) / on_cpu,
            "off_seconds": off, "off_rows_per_s": len(rows) / off, "ratio_off": on / off,
            "plain_seconds": plain, "plain_rows_per_s": len(rows) / plain,
            "ratio_plain": on / plain}


# Index use: EXPLAIN of the list, filter, search and report queries --------------------------

def bench_explain(app):
    """The plans, on the benchmark database, of a page of each case-list filter, the exact
    search by NHS number and two of the return's counts."""
    from sqlalchemy import func, select, text

    from cdop_scr.cases import services
    from cdop_scr.crypto.blind_index import blind_index
    from cdop_scr.extensions import db
    from cdop_scr.models.cases import Case
    from cdop_scr.reporting import queries

    with app.test_request_context():
        years = db.session.scalars(select(Case.financial_year_of_death).distinct()
                                   .order_by(Case.financial_year_of_death)).all()
        filters = [
            ("all cases, days open", services.CaseFilters()),
            ("status", services.CaseFilters(status="gathering_information")),
            ("unexpected + year", services.CaseFilters(death_expectation="unexpected",
                                                       financial_year=years[-2])),
            ("year, newest first", services.CaseFilters(financial_year=years[5], sort="newest")),
            ("agency reports overdue", services.CaseFilters(awaiting_reports="overdue")),
            ("open over 12 months (red)", services.CaseFilters(rag="red")),
        ]
        statements = [(f"Case list: {label}, page 3",
                       services._filtered(f).limit(services.PER_PAGE).offset(50))
                      for label, f in filters]
        statements.append(("Search by NHS number (blind index)", select(Case).where(
            Case.nhs_number_index == blind_index("nhs_number", generate.nhs_number(7)))))
        for measure in ("reviews_completed", "deaths_notified"):
            keys = [queries.expression("category", YEAR), queries.expression("modifiable", YEAR)]
            statements.append((f"Return: {measure.replace('_', ' ')} by category and modifiable"
                               f", {YEAR}", select(*keys, func.count())
                               .where(queries.condition(measure, YEAR)).group_by(*keys)))
        plans = []
        for label, statement in statements:
            sql = str(statement.compile(db.engine, compile_kwargs={"literal_binds": True}))
            if db.engine.dialect.name == "sqlite":
                lines = [row[-1] for row in db.session.execute(text(f"EXPLAIN QUERY PLAN {sql}"))]
            else:
                lines = [row[0] for row in db.session.execute(text(f"EXPLAIN {sql}"))]
            plans.append((label, [_short_plan_line(line) for line in lines]))
        db.session.rollback()
        db.session.remove()
    return plans


def _short_plan_line(line):
    """A plan line with long literal lists (boundary case ids) elided."""
    import re

    return re.sub(r"'\{[^}]{80,}\}'", "'{...}'", re.sub(r"\(([^()]{120,})\)", "(...)", line))


# 5. Peak RSS of building the return ---------------------------------------------------------

def _status_kb(field):
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith(field + ":"))


def rss_child(url):
    """Run in a subprocess: resident memory before the return, and the peak while it is
    built (kB). The kernel's peak (VmHWM) is reset first (clear_refs 5), so start-up
    high-water marks (imports, the first connection) do not hide the return's own."""
    import resource

    from sqlalchemy import select

    from cdop_scr.extensions import db
    from cdop_scr.models.cases import Case
    from cdop_scr.reporting import services

    app = common.make_app(url)
    with app.app_context():
        db.session.scalar(select(db.func.count()).select_from(Case))
        db.session.rollback()
        startup_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        with open("/proc/self/clear_refs", "w") as clear:
            clear.write("5")
        before = _status_kb("VmRSS")
        services.build_return(None, YEAR)
        peak = _status_kb("VmHWM")
    print(json.dumps({"before_kb": before, "peak_kb": peak, "startup_peak_kb": startup_peak}))


def bench_rss(url):
    out = subprocess.run([sys.executable, __file__, "--rss-child", url], check=True,
                         capture_output=True, text=True, cwd=common.ROOT).stdout
    return json.loads(out.strip().splitlines()[-1])


# 2. Case list and case page under gunicorn ----------------------------------------------------

def _list_urls(years):
    """Pages 1-20 of six filters of the case list."""
    urls = []
    for page in range(1, 21):
        urls += [f"/cases?page={page}",
                 f"/cases?status=gathering_information&page={page}",
                 f"/cases?death_expectation=unexpected&financial_year={years[-2]}&page={page}",
                 f"/cases?financial_year={random.Random(page).choice(years)}&sort=newest"
                 f"&page={page}",
                 f"/cases?awaiting_reports=overdue&page={page}",
                 f"/cases?rag=red&page={page}"]
    return urls


@contextmanager
def serving(url, workers, log_name):
    """gunicorn with `workers` sync workers on 127.0.0.1 serving `url`; yields the port. The
    server log is kept in bench/out/<log_name>.log for reading when a run had errors."""
    port = common.free_port()
    log = common.OUT / f"{log_name}.log"
    env = dict(os.environ, BENCH_DATABASE_URL=url, PYTHONPATH=f"{common.ROOT}:{common.BENCH_DIR}")
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "--workers", str(workers),
         "--bind", f"127.0.0.1:{port}", "--log-level", "warning", "--timeout", "60",
         "wsgi_bench:app"],
        cwd=common.BENCH_DIR, env=env, stdout=open(log, "w"), stderr=subprocess.STDOUT)
    try:
        def up():
            try:
                return load.Client(port).request("GET", "/healthz")[0] == 200
            except OSError:
                return False
        if not common.wait_for(up, 60):
            raise RuntimeError(f"gunicorn did not start: see {log}")
        yield port
    finally:
        server.terminate()
        server.wait(30)


def server_problems(log_name):
    """(tracebacks, "database is locked" mentions) in a kept gunicorn log."""
    text = (common.OUT / f"{log_name}.log").read_text()
    return text.count("Traceback (most recent call last)"), text.count("database is locked")


def bench_load(url, app, workers, clients, seconds):
    from sqlalchemy import select
    from sqlalchemy.engine import make_url

    from cdop_scr.extensions import db
    from cdop_scr.models.cases import Case

    with app.app_context():
        ids = db.session.scalars(select(Case.id).order_by(db.func.random()).limit(500)).all()
        years = sorted({y for (y,) in db.session.execute(
            select(Case.financial_year_of_death).distinct())})
        db.session.remove()
        db.engine.dispose()
    list_urls = _list_urls(years)
    case_urls = [f"/cases/{i}" for i in ids]
    log_name = f"gunicorn-{make_url(url).get_backend_name()}"
    credentials = (common.COORDINATOR, common.PASSWORD)
    with serving(url, workers, log_name) as port:
        load.run(port, list_urls[:20] + case_urls[:20], clients=4, seconds=3,
                 credentials=credentials)  # warm-up: templates, connections
        results = {
            "list": load.run(port, list_urls, clients, seconds, credentials),
            "case": load.run(port, case_urls, clients, seconds, credentials),
            "home": load.run(port, ["/home"], clients, max(10, seconds // 3), credentials),
            "health": load.run(port, ["/healthz"], clients, max(10, seconds // 3)),
        }
    results["server_errors"], results["locked"] = server_problems(log_name)
    results["workers"] = workers
    return results


def bench_mixed(url, workers, clients, seconds, label):
    """The reliability run: `clients` coordinators doing mixed reads and writes for `seconds`
    against a scratch copy (`url`) of the 50,000-case database; then the audit chain, extended
    by every worker at once, must still verify."""
    from sqlalchemy import select

    from cdop_scr.audit import chain
    from cdop_scr.cases.clocks import today
    from cdop_scr.extensions import db
    from cdop_scr.models.cases import OPEN_STATUSES, Case

    app = common.make_app(url)
    with app.app_context():
        total = db.session.scalar(select(db.func.count()).select_from(Case))
        ids = db.session.scalars(select(Case.id).order_by(db.func.random()).limit(500)).all()
        open_ids = db.session.scalars(select(Case.id).where(Case.status.in_(OPEN_STATUSES))
                                      .order_by(db.func.random()).limit(500)).all()
        years = sorted({y for (y,) in db.session.execute(
            select(Case.financial_year_of_death).distinct())})
        rng = random.Random(11)
        numbers = [generate.nhs_number(rng.randrange(total)) for _ in range(500)]
        db.session.remove()
        db.engine.dispose()
    mix = load.Mix(_list_urls(years), ids, open_ids, numbers, today())
    log_name = f"gunicorn-load-{label}"
    credentials = (common.COORDINATOR, common.PASSWORD)
    with serving(url, workers, log_name) as port:
        # Warm-up, with seeds of its own: the run's first clients must not replay its
        # notifications, which the duplicate check (rightly) stops as the same child.
        load.run_mixed(port, mix, clients=4, seconds=5, credentials=credentials,
                       seed=100_000)
        began_load = os.getloadavg()
        result = load.run_mixed(port, mix, clients, seconds, credentials)
        result["load_during"] = os.getloadavg()
    result["load_before"] = began_load
    result["tracebacks"], result["locked"] = server_problems(log_name)
    result["workers"] = workers
    with app.app_context():
        with db.engine.connect() as connection:
            verified = chain.verify(connection, chain.audit_key())
        result["audit_rows"], result["audit_ok"] = verified.checked, verified.ok
        db.session.remove()
        db.engine.dispose()
    print(f"RELIABILITY load backend={label} clients={clients} seconds={seconds} "
          f"workers={workers} requests={result['requests']} 5xx={result['server_errors']} "
          f"other_errors={result['other_errors']} conflicts_409={result['conflicts']} "
          f"locked={result['locked']} tracebacks={result['tracebacks']} "
          f"audit_rows={result['audit_rows']} "
          f"audit_chain={'ok' if result['audit_ok'] else 'BROKEN'}", flush=True)
    return result


# Running it all -------------------------------------------------------------------------------

def machine(pg_version):
    import sqlite3

    mem = next(int(line.split()[1]) for line in open("/proc/meminfo")
               if line.startswith("MemTotal"))
    return {
        "cores": os.cpu_count(), "ram_gb": mem / 1024 / 1024, "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version, "postgresql": pg_version or "not run",
        "kernel": platform.release(), "load": os.getloadavg(),
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }


def generation_summary(args):
    """How long each database took to build, from its done-mark (reused ones say so)."""
    parts = []
    for name in (generate.sqlite_name(args.cases), generate.sqlite_name(args.small),
                 generate.pg_name(args.cases), generate.pg_name(args.small)):
        done = generate.mark(name)
        if done.exists():
            parts.append(f"{name} {done.read_text().strip()}")
    return "; ".join(parts) or "reused"


def run_database(label, big_url, small_url, scratch, args):
    print(f"\n== {label} ==", flush=True)
    result = {}
    app = common.make_app(big_url)
    steps = [("explain", lambda: bench_explain(app)),
             ("return", lambda: bench_return(app)), ("search", lambda: bench_search(app)),
             ("rss_big", lambda: bench_rss(big_url)), ("rss_small", lambda: bench_rss(small_url)),
             ("import", lambda: bench_import(scratch)),
             ("load", lambda: bench_load(big_url, app, args.workers, args.clients,
                                         args.duration))]
    for name, fn in steps:
        if args.only and name.split("_")[0] not in args.only:
            continue
        began = time.perf_counter()
        print(f"  {name} ...", end="", flush=True)
        result[name] = fn()
        print(f" {time.perf_counter() - began:.0f} s", flush=True)
    return result


def sqlite_scratch(name):
    if name is None:
        for leftover in common.OUT.glob("scratch-*.sqlite*"):
            leftover.unlink()
        return None
    url = common.sqlite_url(f"scratch-{name}")
    common.drop_sqlite(url)
    return url


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=50_000)
    parser.add_argument("--small", type=int, default=10_000, help="the RSS comparison size")
    parser.add_argument("--duration", type=int, default=60, help="seconds per load phase")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--database", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--only", nargs="*", help="return search rss import load")
    parser.add_argument("--load", action="store_true",
                        help="only the mixed read/write load run (make bench-load)")
    parser.add_argument("--load-clients", type=int, default=50)
    parser.add_argument("--load-duration", type=int, default=300, help="seconds")
    parser.add_argument("--rss-child", help=argparse.SUPPRESS)
    parser.add_argument("--no-write", action="store_true", help="do not write RESULTS.md")
    args = parser.parse_args(argv)
    if args.rss_child:
        return rss_child(args.rss_child)

    if args.load:
        return main_load(args)
    began = time.perf_counter()
    load_at_start = os.getloadavg()
    results, pg_version = {}, None
    sizes = (args.cases, args.small)
    with ExitStack() as stack:
        # Every database is generated (PostgreSQL's copied from SQLite's) before anything is
        # measured, so neither copy holds rows the other's measurements wrote.
        sqlite_urls = [generate.ensure_sqlite(n) for n in sizes]
        if args.database in ("postgresql", "both"):
            pg = stack.enter_context(common.Postgres())
            pg_version = pg.version
            pg_urls = [generate.ensure_postgres(pg, n) for n in sizes]
        if args.database in ("sqlite", "both"):
            results["SQLite"] = run_database("SQLite", *sqlite_urls, sqlite_scratch, args)
        if args.database in ("postgresql", "both"):
            made = []

            def pg_scratch(name):
                if name is None:
                    for db_name in made:
                        pg.drop(db_name)
                    return None
                made.append(f"scratch_{name}")
                return pg.create(f"scratch_{name}")
            results["PostgreSQL"] = run_database("PostgreSQL", *pg_urls, pg_scratch, args)
    info = machine(pg_version)
    info["generation"] = generation_summary(args)
    info["load"], info["load_end"] = load_at_start, os.getloadavg()
    info["total_s"] = time.perf_counter() - began
    report = render(results, info, args)
    print("\n" + report)
    if not args.no_write:
        RESULTS.write_text(report)
        print(f"Wrote {RESULTS.relative_to(common.ROOT)}")


LOAD_RESULTS = common.OUT / "load-results.json"
LOAD_HEADING = "## Load: mixed reads and writes"


def main_load(args):
    """The 50-client, 5-minute mixed run on scratch copies of the 50,000-case databases; its
    section of RESULTS.md is replaced, the rest kept."""
    began = time.perf_counter()
    saved = {"date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
             "command": "make bench-load (.venv/bin/python bench/run.py --load"
                        + (" " + " ".join(sys.argv[2:]) if sys.argv[2:] else "") + ")",
             "cores": os.cpu_count(), "cases": args.cases, "results": {}}
    if args.database in ("sqlite", "both"):
        source = generate.ensure_sqlite(args.cases)
        url = common.copy_sqlite(source, common.sqlite_url("scratch-load"))
        print(f"\n== SQLite: {args.load_clients} clients, {args.load_duration} s ==", flush=True)
        try:
            saved["results"]["SQLite"] = bench_mixed(url, args.workers, args.load_clients,
                                                     args.load_duration, "sqlite")
        finally:
            sqlite_scratch(None)
    if args.database in ("postgresql", "both"):
        with common.Postgres() as pg:
            source = generate.ensure_postgres(pg, args.cases)
            saved["postgresql"] = pg.version
            url = pg.clone(generate.pg_name(args.cases), "scratch_load")
            print(f"\n== PostgreSQL: {args.load_clients} clients, {args.load_duration} s ==",
                  flush=True)
            try:
                saved["results"]["PostgreSQL"] = bench_mixed(
                    url, args.workers, args.load_clients, args.load_duration, "postgresql")
            finally:
                pg.drop("scratch_load")
    saved["total_s"] = time.perf_counter() - began
    section = load_section(saved)
    print("\n" + section)
    if not args.no_write:
        LOAD_RESULTS.write_text(json.dumps(saved, indent=1, default=str))
        text = RESULTS.read_text() if RESULTS.exists() else "# Benchmark results\n"
        RESULTS.write_text(with_load_section(text, section))
        print(f"Wrote the load section of {RESULTS.relative_to(common.ROOT)}")


def with_load_section(text, section):
    """`text` (RESULTS.md) with its load section replaced by `section`, or added before the
    notes on how each figure is measured."""
    if LOAD_HEADING in text:
        head, _, rest = text.partition(LOAD_HEADING)
        after = rest.find("\n## ")
        return head + section + (rest[after + 1:] if after >= 0 else "")
    notes = "## How each figure is measured"
    if notes in text:
        head, _, rest = text.partition(notes)
        return head + section + "\n" + notes + rest
    return text.rstrip("\n") + "\n\n" + section


def kept_load_section():
    """The last `make bench-load` section: from its saved figures, else as RESULTS.md has it
    (bench/out/ is not in git, so a fresh clone has only the text)."""
    if LOAD_RESULTS.exists():
        return load_section(json.loads(LOAD_RESULTS.read_text()))
    text = RESULTS.read_text() if RESULTS.exists() else ""
    if LOAD_HEADING not in text:
        return ""
    rest = text[text.index(LOAD_HEADING):]
    after = rest.find("\n## ", 1)
    return (rest[:after] if after >= 0 else rest).rstrip("\n") + "\n"


def load_section(saved):
    results = saved["results"]
    first = next(iter(results.values()), None)
    if first is None:
        return ""
    lines = [
        f"{LOAD_HEADING}, {first['clients']} clients, {first['seconds'] / 60:.0f} minutes "
        f"(`make bench-load`)",
        "",
        f"Command: `{saved['command']}`, {saved['date']}, total "
        f"{saved['total_s'] / 60:.1f} min. gunicorn with {first['workers']} sync workers on "
        f"127.0.0.1, {saved['cores']} cores shared with the load client; a scratch copy of the "
        f"{saved['cases']:,}-case database per run. Load average (1/5/15 min) at the start "
        f"of each run: "
        + "; ".join(f"{label} {r['load_before'][0]:.2f} / {r['load_before'][1]:.2f} / "
                    f"{r['load_before'][2]:.2f}" for label, r in results.items()) + ".",
        "",
        "| Measure | Target | " + " | ".join(results) + " |",
        "|" + "---|" * (2 + len(results)),
    ]

    def row(label, target, fmt):
        lines.append(f"| {label} | {target} | " + " | ".join(fmt(r) for r in results.values())
                     + " |")

    row("HTTP requests; per second", "",
        lambda r: f"{r['requests']:,}; {r['requests_per_s']:.0f}/s")
    row("5xx responses", "0", lambda r: f"{r['server_errors']} {met(r['server_errors'] == 0)}")
    row("\"database is locked\" in the server log; tracebacks", "0",
        lambda r: f"{r['locked']}; {r['tracebacks']} "
                  f"{met(r['locked'] == 0 and r['tracebacks'] == 0)}")
    row("Other failures (4xx other than 409, connection errors)", "0",
        lambda r: f"{r['other_errors']} {met(r['other_errors'] == 0)}")
    row("409: save refused, someone else saved the case first", "",
        lambda r: f"{r['conflicts']}")
    row("Audit chain after the run (every worker appending)", "verifies",
        lambda r: f"{r['audit_rows']:,} rows {'verify' if r['audit_ok'] else 'DO NOT VERIFY'} "
                  f"{met(r['audit_ok'])}")
    for name in first["actions"]:
        row(f"{name}: per second; p50 / p95 / p99", "",
            lambda r, n=name: f"{r['actions'][n]['per_s']:.1f}/s; "
                              f"{r['actions'][n]['p50']:.0f} / {r['actions'][n]['p95']:.0f} / "
                              f"{r['actions'][n]['p99']:.0f} ms")
    lines += ["", LOAD_NOTES, ""]
    return "\n".join(lines)


LOAD_NOTES = """Each client signs in as the coordinator and, until time is up, picks an action by
weight: the case list (40%: the six filters, pages 1-20), a case page (25%), search by NHS number
(10%: the list page, then the POSTed search), record a reason for delay on an open case (10%:
the form, then the save with the version it showed, so a 409 is a correct refusal of a stale
save), request an agency report for an open case (10%) and record a new notification (5%); each
write GETs its form first, as a person would, and every page view writes its audit row. Latency
is per action (form and save together). Errors are 5xx responses, 4xx other than 409 and
connection failures; the server log is searched for tracebacks and "database is locked"; after
the run the audit chain, extended concurrently by four workers, is verified end to end."""


# The report ---------------------------------------------------------------------------------------

def met(ok):
    return "met" if ok else "**not met**"


def render(results, info, args):
    lines = [
        "# Benchmark results",
        "",
        f"Command: `make bench` (`.venv/bin/python bench/run.py"
        f"{' ' + ' '.join(sys.argv[1:]) if sys.argv[1:] else ''}`), {info['date']}, "
        f"total {info['total_s'] / 60:.1f} min.",
        "",
        f"Machine: {info['cores']} cores, {info['ram_gb']:.1f} GB RAM, Linux {info['kernel']}, "
        f"Python {info['python']}, SQLite {info['sqlite']}, PostgreSQL {info['postgresql']}. "
        f"Load average (1/5/15 min) at start {info['load'][0]:.2f} / {info['load'][1]:.2f} / "
        f"{info['load'][2]:.2f}, at the end {info['load_end'][0]:.2f} / "
        f"{info['load_end'][1]:.2f} / {info['load_end'][2]:.2f} (other test runs shared the "
        f"machine).",
        "",
        f"Data: {args.cases:,} synthetic cases over 15 financial years (and {args.small:,} for "
        f"the memory comparison), written through `import_cases` and the models, so every "
        f"identifier is AES-GCM encrypted, blind-indexed and audited (bench/generate.py); "
        f"the PostgreSQL databases are table-by-table copies of the SQLite ones (the same "
        f"ciphertext, indexes and audit chain). Generation: {info['generation']}. "
        f"Return year {YEAR}.",
        "",
    ]
    header = "| Measure | Target | " + " | ".join(results) + " |"
    lines += [header, "|" + "---|" * (2 + len(results))]

    def row(label, target, fmt):
        cells = []
        for r in results.values():
            try:
                cells.append(fmt(r))
            except KeyError:
                cells.append("not run")
        lines.append(f"| {label} | {target} | " + " | ".join(cells) + " |")

    row("1. Return, 10 tables (median)", "< 1 s",
        lambda r: f"{r['return']['return_ms']:.0f} ms {met(r['return']['return_ms'] < 1000)}")
    row("1. Bare SQL GROUP BY, same counts", "",
        lambda r: f"{r['return']['sql_ms']:.0f} ms ({r['return']['group_by_queries']} queries)")
    row("1. Return / bare SQL", "≤ 3×",
        lambda r: f"{r['return']['ratio']:.2f}× {met(r['return']['ratio'] <= 3)}")
    row("1. of which data-quality queries", "",
        lambda r: f"{r['return']['other_sql_ms']:.0f} ms ({r['return']['other_queries']} queries)")
    for key, label in (("list", "Case list (filtered, paginated)"), ("case", "Case page")):
        row(f"2. {label}: requests/s", "",
            lambda r, k=key: f"{r['load'][k]['rps']:.0f}")
        row(f"2. {label}: p50 / p95 / p99", "p95 < 100 ms" if key == "list" else "",
            lambda r, k=key: f"{r['load'][k]['p50']:.0f} / {r['load'][k]['p95']:.0f} / "
                             f"{r['load'][k]['p99']:.0f} ms"
                             + (f" {met(r['load'][k]['p95'] < 100)}" if k == "list" else ""))
        row(f"2. {label}: errors", "0",
            lambda r, k=key: f"{r['load'][k]['errors']} of {r['load'][k]['requests']:,} "
                             f"{met(r['load'][k]['errors'] == 0)}")
    row("2. Signed-in home page (session check and layout only): requests/s; p50 / p95", "",
        lambda r: f"{r['load']['home']['rps']:.0f}/s; {r['load']['home']['p50']:.0f} / "
                  f"{r['load']['home']['p95']:.0f} ms")
    row("2. /healthz: requests/s, p95", "",
        lambda r: f"{r['load']['health']['rps']:.0f}/s, {r['load']['health']['p95']:.1f} ms")
    row("2. Case list / healthz throughput", "",
        lambda r: f"1 : {r['load']['health']['rps'] / r['load']['list']['rps']:.1f}")
    row("2. Server errors (tracebacks); \"database is locked\" mentions", "0",
        lambda r: f"{r['load']['server_errors']}; {r['load']['locked']} "
                  f"{met(r['load']['server_errors'] == 0 and r['load']['locked'] == 0)}")
    row("3. Blind-index NHS number search (median; p95)", "< 5 ms (median)",
        lambda r: f"{r['search']['index_p50_ms']:.2f} ms; {r['search']['index_p95_ms']:.2f} ms "
                  f"{met(r['search']['index_p50_ms'] < 5)}")
    row("3. Decrypt-and-compare scan", "",
        lambda r: f"{r['search']['scan_ms']:.0f} ms over {r['search']['rows']:,} rows")
    row("4. CSV import, 10,000 rows", "≥ 1,000 rows/s",
        lambda r: f"{r['import']['rows_per_s']:,.0f} rows/s ({r['import']['seconds']:.1f} s; "
                  f"{r['import']['rows_per_cpu_s']:,.0f} rows per CPU-second) "
                  f"{met(r['import']['rows_per_s'] >= 1000)}")
    row("4. Same import, encryption off", "",
        lambda r: f"{r['import']['off_rows_per_s']:,.0f} rows/s: protection costs "
                  f"{r['import']['ratio_off']:.2f}×")
    row("4. Plain INSERT of the cleartext rows", "",
        lambda r: f"{r['import']['plain_rows_per_s']:,.0f} rows/s: import is "
                  f"{r['import']['ratio_plain']:.0f}× slower")
    row(f"5. Peak RSS building the return, {args.cases:,} cases", "< 200 MB",
        lambda r: f"{r['rss_big']['peak_kb'] / 1024:.0f} MB "
                  f"{met(r['rss_big']['peak_kb'] < 200 * 1024)}")
    row("5. of which the app before the return; the return's own growth", "",
        lambda r: f"{r['rss_big']['before_kb'] / 1024:.0f} MB; "
                  f"+{(r['rss_big']['peak_kb'] - r['rss_big']['before_kb']) / 1024:.1f} MB")
    row("5. Process start-up peak (imports, first connection), for reference", "",
        lambda r: f"{r['rss_big']['startup_peak_kb'] / 1024:.0f} MB")
    row(f"5. Peak RSS at {args.small:,} cases; growth", "flat in N",
        lambda r: f"{r['rss_small']['peak_kb'] / 1024:.0f} MB; "
                  f"+{(r['rss_big']['peak_kb'] - r['rss_small']['peak_kb']) / 1024:.1f} MB for "
                  f"{args.cases // args.small}× the cases "
                  f"{met(r['rss_big']['peak_kb'] - r['rss_small']['peak_kb'] < 10 * 1024)}")
    explained = {label: r["explain"] for label, r in results.items() if "explain" in r}
    if explained:
        lines += ["", f"## Index use: EXPLAIN on the {args.cases:,}-case databases", "",
                  "Every list filter, the identifier search and the return's counts read "
                  "through an index (no full scan of child_death_case). Plans as the databases "
                  "chose them with their statistics (SQLite: EXPLAIN QUERY PLAN after ANALYZE; "
                  "PostgreSQL: EXPLAIN after VACUUM ANALYZE).", ""]
        for label, plans in explained.items():
            lines += [f"### {label}", ""]
            for title, plan in plans:
                lines += [f"{title}:", "```", *plan, "```", ""]
    kept = kept_load_section()
    if kept:  # the last `make bench-load`, kept when `make bench` reruns
        lines += ["", kept]
    lines += ["", NOTES.format(workers=args.workers, clients=args.clients,
                               duration=args.duration, year=YEAR)]
    return "\n".join(lines) + "\n"


NOTES = """## How each figure is measured

1. **Return**: `reporting.services.build_return(None, "{year}")` (ten tables, suppression,
   the disclosure gate and the data-quality checks), median of 7 runs after a warm-up, in one
   process. **Bare SQL**: the GROUP BY statements that same call sends, captured with a
   `before_cursor_execute` listener and replayed on a raw DBAPI cursor (fetchall), median of
   7. The data-quality queries (no GROUP BY) are timed separately and counted in the return.
2. **Load**: gunicorn ({workers} sync workers) on 127.0.0.1 serving the benchmark database;
   {clients} client threads (bench/load.py: http.client keep-alive), each signed in as the
   coordinator through `/sign-in`, for {duration} s per phase. The case list phase cycles
   through pages 1-20 of six filters (all, status, expectation + year, year + newest first,
   overdue agency reports, red clock); the case page phase opens 500 random cases. Every
   list and case view writes its audit row (the chain extension is part of each request).
   The signed-in home page (the session lookup and the page layout, nothing listed or
   audited) and `/healthz` on the same server give the floor and the ceiling: the clients are
   closed-loop (each sends its next request as soon as the last is answered) and share the
   machine's cores with the server, so latency is about clients x CPU per request / cores.
   Errors are non-200 responses and connection failures; the server log is searched for
   tracebacks and "database is locked".
3. **Search**: `blind_index("nhs_number", n)` plus the indexed SELECT and loading the case,
   200 lookups of random existing numbers. The scan reads every `nhs_number` ciphertext,
   decrypts it (AES-GCM, with its associated data) and compares.
4. **Import**: `import_cases` of a 10,000-row CSV (validation, duplicate checks against the
   database, case references, encryption, blind indexes, one audit row per case, one
   transaction; rows written by bulk INSERTs, the audit rows chained in Python under the
   chain lock) into a fresh migrated database. **Encryption off**: the same import with
   AES-GCM and the blind-index HMAC swapped for identity functions (everything else
   unchanged), so the ratio is the cost of protection. **Plain INSERT**: the same rows as
   cleartext strings in one `executemany` into a scratch table with one column per CSV
   column: no validation, ORM, crypto or audit; a floor, not a like-for-like.
5. **Memory**: a fresh subprocess opens the database (imports, app, first connection),
   resets the kernel's peak-RSS mark (`/proc/self/clear_refs`), then builds the return and
   reads `VmHWM`: the peak while the return is built, interpreter and app included. The
   start-up peak before the reset (import-time allocations freed again) is shown separately,
   for reference. Counting happens in SQL, so nothing grows with the number of cases.
"""


if __name__ == "__main__":
    main()
