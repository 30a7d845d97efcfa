"""Synthetic CDOP data at scale, written through the app's own import path and model code, so
encryption, blind indexes and the audit chain are real.

    python bench/generate.py --cases 50000 [--database sqlite|postgresql|both] [--force]

Cases go through `import_cases` in batches of 5,000 (CSV text, validated, encrypted, audited).
Then, in bulk with the models' encryption and one audit row per change: withdrawals, agency
reports, open cases moved on and SCR referrals; through the models: panel meetings with
signed-off analyses; and 200 serious case reviews with action plans through the SCR and action
services. The PostgreSQL database is a table-by-table copy of the SQLite one (the same
ciphertext, indexes and audit chain), so the data is encrypted and audited once. A finished
database is marked done (bench/out/<name>.done) and reused; --force rebuilds it.
"""

import argparse
import random
import sys
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402

SEED = 20261122
YEARS = 15
IMPORT_BATCH = 5000
COMMIT_BATCH = 1000

FORENAMES = ("Oliver George Harry Noah Jack Leo Arthur Muhammad Oscar Charlie Jacob Thomas Henry "
             "Olivia Amelia Isla Ava Mia Ivy Lily Isabella Rosie Sophia Grace Freya Evie Poppy "
             "Aisha Zara Maryam Kai Reuben Ezra Nia Amara Tobi Jan Zofia Chen Priya Arjun").split()
SURNAMES = ("Smith Jones Taylor Brown Williams Wilson Johnson Davies Patel Wright Robinson Wood "
            "Thompson Evans Walker White Roberts Green Hall Thomas Clarke Jackson Hughes Edwards "
            "Khan Ahmed Ali Hussain Begum Singh Kaur Nowak Kowalski Okafor Mensah Campbell Lewis "
            "Harris Martin Cooper King Lee Baker Hill Morris Ward Turner Moore Allen Scott Young "
            "Mitchell Carter Phillips Parker Bennett Cook Bailey Bell Collins Murphy Kelly Price "
            "Shaw Cox Gray Chapman Mason Reid Palmer Fox Lloyd Butler Barker Fraser Stone").split()
AREAS = "LS M B S NE L BS NG SO CF LE BD HU WF DN SK OL BL WN PR".split()
INWARD = "ABDEFGHJLNPQRSTUWXYZ"
ETHNICITIES = "A" * 62 + "B" * 1 + "C" * 6 + "DEFG" + "HJJKL" * 2 + "MNNP" * 2 + "RSZZZ"
AGE_BANDS = [  # (weight, min days, max days)
    (42, 0, 27), (21, 28, 364), (11, 366, 4 * 365), (7, 5 * 366, 9 * 365),
    (9, 10 * 366, 14 * 365), (10, 15 * 366, 17 * 365 + 300),
]
NEONATAL_CATEGORIES = {8: 60, 7: 28, 9: 4, 5: 4, 10: 4}
OTHER_CATEGORIES = {1: 4, 2: 7, 3: 11, 4: 14, 5: 12, 6: 12, 7: 14, 9: 8, 10: 12, 8: 6}
EVENTS = {1: ["homicide", "none"], 2: ["suicide"], 3: ["road_traffic", "drowning", "fire_burns",
          "poisoning", "other_injury"], 4: ["life_limiting", "none"], 5: ["none"],
          6: ["life_limiting", "none"], 7: ["life_limiting", "none"], 8: ["neonatal"],
          9: ["none"], 10: ["sudden_unexpected"]}
DELAYS = ["awaiting_inquest"] * 5 + ["awaiting_criminal_proceedings", "panel_capacity",
          "awaiting_agency_information", "awaiting_review_or_investigation", "other"]
AGENCIES = ["gp", "health_visitor", "hospital", "school", "police", "childrens_social_care",
            "ambulance", "midwifery"]
THEMES = ["unsafe_sleeping", "co_sleeping", "parental_smoking", "carer_substance_misuse",
          "domestic_abuse", "parental_mental_health", "housing_overcrowding",
          "access_to_services", "delay_in_seeking_care", "road_safety", "water_safety",
          "supervision", "self_harm_history", "other"]


def nhs_number(i):
    """A valid, unique NHS number for row i (modulus-11 check digit)."""
    for offset in range(3):
        prefix = f"{600000000 + i * 3 + offset:09d}"
        check = 11 - sum(int(d) * w for d, w in zip(prefix, range(10, 1, -1), strict=True)) % 11
        check = 0 if check == 11 else check
        if check != 10:
            return prefix + str(check)
    raise AssertionError("no valid check digit in three tries")


def weighted(rng, table):
    return rng.choices(list(table), weights=list(table.values()))[0]


def case_rows(n, today, seed=SEED, first=0, tag=""):
    """CSV rows (dicts) for n cases over 15 financial years to `today`, realistic proportions."""
    rng = random.Random(seed + first)
    start = date(today.year - YEARS + (1 if today.month >= 4 else 0), 4, 1)
    span = (today - timedelta(days=3) - start).days
    seen = set()
    for i in range(first, first + n):
        dod = start + timedelta(days=rng.randrange(span))
        band = rng.choices(AGE_BANDS, weights=[b[0] for b in AGE_BANDS])[0]
        dob = dod - timedelta(days=rng.randint(band[1], band[2]))
        surname = rng.choice(SURNAMES)
        while (surname, dob) in seen:
            surname = f"{rng.choice(SURNAMES)}-{rng.choice(SURNAMES)}{tag}"
        seen.add((surname, dob))
        category = weighted(rng, NEONATAL_CATEGORIES if band[2] < 28 else OTHER_CATEGORIES)
        if category == 2 and band[1] < 10 * 366:
            category = 3
        sudden = category in (1, 2, 3, 10)
        expectation = ("unexpected" if sudden or rng.random() < 0.18 else
                       "expected" if rng.random() < 0.97 else "not_known")
        age_months = (today - dod).days / 30.4
        p_reviewed = (0.02 if age_months < 3 else 0.15 if age_months < 6 else
                      0.5 if age_months < 12 else 0.85 if age_months < 24 else 0.97)
        row = {
            "forename": rng.choice(FORENAMES), "surname": surname,
            "date_of_birth": dob.isoformat(), "date_of_death": dod.isoformat(),
            "sex": "male" if rng.random() < 0.55 else "female" if rng.random() < 0.99
            else "not_known",
            "ethnicity": rng.choice(ETHNICITIES), "nhs_number": nhs_number(i),
            "postcode": f"{rng.choice(AREAS)}{rng.randint(1, 19)} {rng.randint(1, 9)}"
                        f"{rng.choice(INWARD)}{rng.choice(INWARD)}",
            "other_names": (f"{rng.choice(FORENAMES)} {surname};{rng.choice(FORENAMES)} {surname}"
                            if rng.random() < 0.5 else ""),
            "school": (f"{rng.choice(SURNAMES)} Primary School" if band[1] >= 5 * 366 else ""),
            "death_expectation": expectation,
            "place_of_death": rng.choice(["hospital"] * 7 + ["home"] * 2 + ["other"]),
            "notified_on": min(dod + timedelta(days=rng.randint(0, 3)), today).isoformat(),
            "circumstances": "Synthetic benchmark record: the child was taken to hospital and "
                             "could not be revived. No real person is described.",
            "review_completed_on": "", "category": "", "modifiable": "", "delay_reason": "",
            "event": "",
        }
        if rng.random() < p_reviewed:
            done = dod + timedelta(days=rng.randint(90, 560))
            if done >= today:
                done = today - timedelta(days=rng.randint(1, max(1, (today - dod).days - 1)))
            done = max(done, dod)
            modifiable = ("insufficient_information" if rng.random() < 0.04 else
                          "modifiable" if rng.random() < (0.6 if sudden else 0.2) else
                          "not_modifiable")
            row.update(review_completed_on=done.isoformat(), category=str(category),
                       modifiable=modifiable, event=rng.choice(EVENTS[category]))
        elif age_months >= 12 and rng.random() < 0.9:
            row["delay_reason"] = rng.choice(DELAYS)
        yield row


def to_csv(rows):
    import csv
    import io

    from cdop_scr.cases.importer import COLUMNS

    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=[c for c in COLUMNS if c != "case_ref"])
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def step(label):
    """Print a timed step."""
    class _Step:
        def __enter__(self):
            self.start = time.perf_counter()
            print(f"  {label} ...", end="", flush=True)
            return self

        def __exit__(self, *exc):
            print(f" {time.perf_counter() - self.start:.1f} s", flush=True)
    return _Step()


def create_users():
    from cdop_scr.permissions import Role
    from cdop_scr.users import services as users

    made = {}
    for email, name, role in [
        (common.COORDINATOR, "Casey Coordinator", Role.COORDINATOR),
        ("chair@bench.example", "Priya Chair", Role.PANEL_CHAIR),
        ("board@bench.example", "Bola Board-Manager", Role.BOARD_MANAGER),
        *[(f"member{k}@bench.example", f"Member {k}", Role.PANEL_MEMBER) for k in range(6)],
    ]:
        made[email] = users.create_user(None, email, name, [role], password=common.PASSWORD)[0]
    return made


def import_all(coordinator, n, today):
    from cdop_scr.cases.importer import import_cases

    rows = case_rows(n, today)
    done = 0
    while done < n:
        batch = [next(rows) for _ in range(min(IMPORT_BATCH, n - done))]
        result = import_cases(coordinator, to_csv(batch), source="bench")
        if not result.ok:
            raise SystemExit(f"import failed: {result.problems[:5]}")
        done += len(batch)


def _chunks(items, size=COMMIT_BATCH):
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _cases(ids):
    from sqlalchemy import select

    from cdop_scr.extensions import db
    from cdop_scr.models.cases import Case

    return db.session.scalars(select(Case).where(Case.id.in_(ids))).all()


def move_cases_on(coordinator, today, rng):
    """Withdrawals, agency reports, open cases gathering information or ready for panel,
    closures and SCR referrals. Written in bulk (one insert or update per kind of change), with
    the models' own encryption and one audit row per change, as the services would record."""
    from sqlalchemy import bindparam, insert, select, update

    from cdop_scr import audit
    from cdop_scr.audit import AuditEvent
    from cdop_scr.crypto.fields import keyring
    from cdop_scr.extensions import db
    from cdop_scr.models.base import utcnow
    from cdop_scr.models.cases import AgencyReportRequest, Case

    rows = db.session.execute(select(Case.id, Case.status, Case.notified_on,
                                     Case.review_completed_on)).all()
    plan = {}
    for case_id, status, _notified_on, completed in rows:
        roll = rng.random()
        if roll < 0.01:
            plan[case_id] = "withdraw"
        elif status == "notified":
            plan[case_id] = ("notified" if roll < 0.3 else "gathering" if roll < 0.8
                             else "ready")
        elif completed and completed < today - timedelta(days=3 * 365) and roll < 0.6:
            plan[case_id] = "close"
        elif completed and completed > today - timedelta(days=2 * 365):
            plan[case_id] = "reports"
    for case_id, _, _, completed in rows:  # SCR referrals: about 1.5% of completed reviews
        if completed and plan.get(case_id) in (None, "close", "reports") and \
                rng.random() < 0.015:
            plan[case_id] = plan.get(case_id, "") + "+scr"

    ring, now = keyring(), utcnow()
    known = {case_id: (status, notified_on, completed)
             for case_id, status, notified_on, completed in rows}
    reports, statuses, referrals = [], [], []
    events = {AuditEvent.AGENCY_REPORT_REQUESTED: [], AuditEvent.AGENCY_REPORT_RECEIVED: [],
              AuditEvent.CASE_STATUS_CHANGED: [], AuditEvent.CASE_UPDATED: []}
    sealed = {name: getattr(AgencyReportRequest, name) for name in
              ("contact_name", "contact_email", "summary", "key_facts")}

    def report(case_id, notified_on, status, received=False):
        report_id = uuid.uuid4()
        due_on = notified_on + timedelta(days=30)
        values = {"id": report_id, "case_id": case_id, "agency_type": rng.choice(AGENCIES),
                  "requested_on": notified_on + timedelta(days=2), "due_on": due_on,
                  "status": status, "received_on": min(due_on, today) if received else None,
                  "created_at": now, "updated_at": now}
        plain = {"contact_name": f"{rng.choice(FORENAMES)} {rng.choice(SURNAMES)}",
                 "contact_email": "safeguarding@agency.example", "summary": None,
                 "key_facts": None}
        if received:
            plain["summary"] = ("Synthetic agency report: known to the service, routine "
                                "contact, no concerns recorded before the death.")
            plain["key_facts"] = {"known_to_agency": {"answer": "yes", "details": ""}}
        for name, attribute in sealed.items():
            values[name] = attribute.ciphertext_for(AgencyReportRequest, report_id, plain[name],
                                                    ring)
        reports.append(values)
        detail = {"report": str(report_id), "agency": values["agency_type"]}
        events[AuditEvent.AGENCY_REPORT_REQUESTED].append((case_id, detail))
        if received:
            events[AuditEvent.AGENCY_REPORT_RECEIVED].append((case_id, detail))

    def moves(case_id, *path, **detail):
        for before, after in zip(path, path[1:], strict=False):
            events[AuditEvent.CASE_STATUS_CHANGED].append(
                (case_id, {"from": before, "to": after, **detail}))
        statuses.append({"b_id": case_id, "b_status": path[-1],
                         "b_reason": detail.get("reason")})

    for case_id, what in plan.items():
        status, notified_on, completed = known[case_id]
        if what == "withdraw":
            moves(case_id, status, "withdrawn", reason="not_eligible")
        elif what == "gathering":
            for k in range(rng.randint(2, 4)):
                report(case_id, notified_on, "requested" if k % 2 == 0 else "received",
                       received=k % 2 == 1)
            moves(case_id, status, "gathering_information")
        elif what == "ready":
            for _ in range(rng.randint(2, 4)):
                report(case_id, notified_on, "received", received=True)
            moves(case_id, status, "gathering_information", "ready_for_panel")
        elif what.startswith("close"):
            moves(case_id, status, "closed")
        elif what.startswith("reports"):
            for _ in range(2):
                report(case_id, notified_on, "received", received=True)
        if what.endswith("+scr"):
            referrals.append({"b_id": case_id, "b_on": completed})
            events[AuditEvent.CASE_UPDATED].append((case_id, {"fields": ["scr_referred_on"]}))

    table = Case.__table__
    for chunk in _chunks(reports, 5000):
        db.session.execute(insert(AgencyReportRequest.__table__), chunk)
    if statuses:
        db.session.execute(
            update(table).where(table.c.id == bindparam("b_id")).values(
                status=bindparam("b_status"), withdrawal_reason=bindparam("b_reason"),
                version=table.c.version + 1, updated_at=now), statuses)
    if referrals:
        db.session.execute(
            update(table).where(table.c.id == bindparam("b_id")).values(
                scr_referred_on=bindparam("b_on"), version=table.c.version + 1,
                updated_at=now), referrals)
    for event, items in events.items():
        for chunk in _chunks(items, 5000):
            audit.record_many(event, Case.__tablename__, chunk, actor=coordinator)
    db.session.commit()
    return plan


def panel_meetings(users, today, rng):
    """Monthly meetings for 15 years: each signs off up to 30 of that month's completed
    reviews (agenda item, analysis with factors, sign-off); one upcoming meeting with ready
    cases on its agenda."""
    from collections import defaultdict

    from sqlalchemy import select

    from cdop_scr import audit
    from cdop_scr.audit import AuditEvent
    from cdop_scr.extensions import db
    from cdop_scr.models.cases import Case
    from cdop_scr.models.panels import (
        AgendaItem,
        Analysis,
        AnalysisFactor,
        PanelMeeting,
        PanelMembership,
        ReviewSignOff,
    )

    coordinator, chair = users[common.COORDINATOR], users["chair@bench.example"]
    members = [u for e, u in users.items() if e.startswith("member")]
    by_month = defaultdict(list)
    for case_id, completed in db.session.execute(
            select(Case.id, Case.review_completed_on).where(Case.review_completed_on.is_not(None))):
        by_month[(completed.year, completed.month)].append((case_id, completed))
    meetings = 0
    for _month, cases in sorted(by_month.items()):
        picked = rng.sample(cases, min(30, len(cases)))
        held_on = max(c for _, c in picked)
        meeting = PanelMeeting(created_by_id=coordinator.id, meets_on=held_on, chair_id=chair.id)
        for user in rng.sample(members, 4):
            meeting.members.append(PanelMembership(user_id=user.id, attended=rng.random() < 0.9))
        db.session.add(meeting)
        by_id = {c.id: c for c in _cases([cid for cid, _ in picked])}
        for position, (case_id, completed) in enumerate(picked):
            case = by_id[case_id]
            meeting.agenda.append(AgendaItem(case_id=case_id, position=position,
                                             pseudonym=f"Child {position + 1}"))
            analysis = Analysis(case_id=case_id, status="signed_off", category=case.category,
                                event=case.event, refer_for_scr=case.scr_referred_on is not None,
                                meeting_id=meeting.id, signed_off_by_id=chair.id,
                                review_completed_on=completed)
            analysis.learning_points = "Synthetic learning point for the benchmark."
            for k in range(rng.randint(1, 3)):
                modifiable = case.modifiable == "modifiable" and k == 0
                factor = AnalysisFactor(position=k, domain=rng.choice(
                    ["child", "social", "physical", "services"]), grade=2 if modifiable else
                    rng.choice([0, 1, 2]), modifiable=modifiable, theme_code=rng.choice(THEMES))
                factor.description = "Synthetic factor description."
                analysis.factors.append(factor)
            analysis.sign_offs.append(ReviewSignOff(
                meeting_id=meeting.id, signed_off_by_id=chair.id, review_completed_on=completed,
                category=case.category, modifiable=case.modifiable, event=case.event))
            db.session.add(analysis)
            audit.record(AuditEvent.REVIEW_SIGNED_OFF, actor=chair, target=case,
                         detail={"meeting": str(meeting.id), "category": case.category,
                                 "modifiable": case.modifiable})
        audit.record(AuditEvent.PANEL_MEETING_CREATED, actor=coordinator, target=meeting,
                     detail={"members": 4, "cases": len(picked)})
        db.session.commit()
        meetings += 1
    ready = db.session.scalars(select(Case.id).where(Case.status == "ready_for_panel")
                               .order_by(Case.notified_on).limit(25)).all()
    from cdop_scr.panels import services as panels

    panels.create_meeting(coordinator, today + timedelta(days=14), chair.id,
                          [m.id for m in members[:4]], ready)
    return meetings + 1


def serious_case_reviews(users, today, rng, count=200):
    """200 reviews through the SCR and action services, most with an action plan."""
    from sqlalchemy import select

    from cdop_scr.actions import services as actions
    from cdop_scr.extensions import db
    from cdop_scr.models.cases import Case
    from cdop_scr.scr import services as scr

    manager = users["board@bench.example"]
    linked = db.session.scalars(select(Case).where(Case.scr_referred_on.is_not(None))
                                .order_by(Case.scr_referred_on).limit(count // 2)).all()
    for k in range(count):
        if k < len(linked):
            review = scr.create_review_from_case(manager, linked[k])
        else:
            incident = today - timedelta(days=rng.randint(30, 14 * 365))
            review = scr.create_review(
                manager, child_name=f"{rng.choice(FORENAMES)} {rng.choice(SURNAMES)}",
                child_date_of_birth=incident - timedelta(days=rng.randint(100, 5000)),
                incident_type=rng.choice(["death", "serious_harm"]), incident_on=incident,
                incident_summary="Synthetic incident summary for the benchmark.",
                referred_on=incident + timedelta(days=2))
        if rng.random() < 0.15:
            continue  # still referred
        decided = min(review.referred_on + timedelta(days=30), today)
        scr.change_status(manager, review, review.version, "decision_pending",
                          on=review.referred_on)
        scr.record_decision(manager, review, review.version, "criteria_met", decided,
                            "Independent chair", "Synthetic rationale: criteria met.")
        for r in range(2):
            recommendation = scr.add_recommendation(manager, review,
                                                    f"Synthetic recommendation {r + 1}.")
            for a in range(2):
                actions.add_action(manager, recommendation, f"Synthetic action {a + 1}.",
                                   "Exampleshire Police", rng.choice(["police", "education",
                                                                      "health_provider"]),
                                   "Named lead", decided + timedelta(days=rng.randint(30, 400)),
                                   "Evidence of the change.")
    return count


def mark(name):
    return common.OUT / f"{name}.done"


def generate(url, name, n, force=False):
    """Build database `name` at `url` with n cases unless it is already done."""
    import flask_migrate

    if mark(name).exists() and not force:
        app = common.make_app(url)
        with app.app_context():
            flask_migrate.upgrade()  # a reused database follows migrations added since
            from cdop_scr.extensions import db

            db.engine.dispose()
        print(f"{name}: already generated ({n} cases), reused")
        return False
    mark(name).unlink(missing_ok=True)
    app = common.make_app(url)
    rng = random.Random(SEED)
    started = time.perf_counter()
    print(f"{name}: generating {n} cases")
    with app.app_context():
        from cdop_scr.cases.clocks import today

        with step("migrate"):
            flask_migrate.upgrade()
        with step("users"):
            users = create_users()
        with step(f"import {n} cases in batches of {IMPORT_BATCH}"):
            import_all(users[common.COORDINATOR], n, today())
        with step("withdrawals, agency reports, statuses, closures, SCR referrals"):
            move_cases_on(users[common.COORDINATOR], today(), rng)
        with step("panel meetings, analyses and sign-offs"):
            panel_meetings(users, today(), rng)
        with step("200 serious case reviews with action plans"):
            serious_case_reviews(users, today(), rng)
        from cdop_scr.extensions import db

        if db.engine.dialect.name == "postgresql":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("VACUUM ANALYZE")
        else:
            with db.engine.connect() as conn:
                conn.exec_driver_sql("ANALYZE")
                conn.commit()
        db.session.remove()
        db.engine.dispose()
    mark(name).write_text(f"{n} cases in {time.perf_counter() - started:.0f} s\n")
    print(f"{name}: done in {time.perf_counter() - started:.0f} s")
    return True


def copy_database(source_url, target_url, name, n):
    """Copy a generated database into an empty one (SQLite into PostgreSQL), table by table:
    the same ciphertext (bound to the same row ids and keys), blind indexes and audit chain,
    rather than encrypting and auditing all of it a second time. The target is built by the
    migrations first; a table a migration seeded (the factor themes) must already match."""
    import flask_migrate
    from sqlalchemy import Integer, create_engine, func, select, text

    from cdop_scr.extensions import db

    mark(name).unlink(missing_ok=True)
    started = time.perf_counter()
    print(f"{name}: copying {n} cases from {source_url.rsplit('/', 1)[-1]}")
    app = common.make_app(target_url)
    with app.app_context():
        flask_migrate.upgrade()
        db.engine.dispose()
    source, target = create_engine(source_url), create_engine(target_url)
    try:
        with source.connect() as src, target.begin() as dst:
            for table in db.metadata.sorted_tables:
                count = src.scalar(select(func.count()).select_from(table))
                seeded = dst.scalar(select(func.count()).select_from(table))
                if seeded:
                    assert seeded == count, f"{table.name}: {seeded} seeded, {count} to copy"
                    continue
                with step(f"{table.name} ({count:,} rows)"):
                    rows = src.execution_options(yield_per=5000).execute(select(table))
                    for part in rows.partitions():
                        dst.execute(table.insert(), [dict(row._mapping) for row in part])
                key = list(table.primary_key.columns)
                if len(key) == 1 and isinstance(key[0].type, Integer) and \
                        key[0].autoincrement is True and count:
                    dst.execute(text(
                        f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', "
                        f"'{key[0].name}'), (SELECT max({key[0].name}) FROM \"{table.name}\"))"))
        with target.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            with step("VACUUM ANALYZE"):
                conn.exec_driver_sql("VACUUM ANALYZE")
    finally:
        source.dispose()
        target.dispose()
    mark(name).write_text(f"{n} cases copied in {time.perf_counter() - started:.0f} s\n")
    print(f"{name}: done in {time.perf_counter() - started:.0f} s")


def sqlite_name(n):
    return f"sqlite-{n}"


def pg_name(n):
    return f"bench_{n}"


def ensure_sqlite(n, force=False):
    """The SQLite benchmark database with n cases (generated once, then reused); its URL."""
    name, url = sqlite_name(n), common.sqlite_url(sqlite_name(n))
    if force or not mark(name).exists():
        common.drop_sqlite(url)
    generate(url, name, n, force)
    return url


def ensure_postgres(pg, n, force=False):
    """The PostgreSQL benchmark database with n cases: a copy of the SQLite one."""
    name = pg_name(n)
    if force or not (mark(name).exists() and pg.exists(name)):
        source = ensure_sqlite(n)
        copy_database(source, pg.create(name), name, n)
    else:
        generate(pg.url(name), name, n)  # reused: migrated to the current head
    return pg.url(name)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=50_000)
    parser.add_argument("--database", choices=["sqlite", "postgresql", "both"], default="sqlite")
    parser.add_argument("--force", action="store_true", help="rebuild even if already done")
    args = parser.parse_args(argv)
    if args.database in ("sqlite", "both"):
        ensure_sqlite(args.cases, args.force)
    if args.database in ("postgresql", "both"):
        with common.Postgres() as pg:
            ensure_postgres(pg, args.cases, args.force)


if __name__ == "__main__":
    main()
