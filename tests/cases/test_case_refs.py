"""Case references: CDR-<year>-<NNNN> from a per-year counter, unique under concurrency."""

import threading
from datetime import date

from sqlalchemy import select

from cdop_scr.cases import services
from cdop_scr.extensions import db as _db
from cdop_scr.models import Case

from .conftest import details, nhs_number


def test_references_count_up_per_year_of_notification(db, make_case):
    refs = [make_case(nhs_number=nhs_number(i * 101), surname=f"S{i}",
                      notified_on=notified).case_ref
            for i, notified in enumerate([date(2024, 1, 11), date(2024, 2, 1),
                                          date(2025, 1, 2)])]
    assert refs == ["CDR-2024-0001", "CDR-2024-0002", "CDR-2025-0001"]


def test_a_generated_reference_skips_one_already_taken_by_an_import(db, make_case):
    from cdop_scr.cases import importer

    text = ("case_ref,forename,surname,date_of_birth,date_of_death,sex,death_expectation,"
            "notified_on\nCDR-2024-0001,A,Imported,2015-01-01,2024-01-01,male,expected,"
            "2024-01-02\n")
    assert importer.import_cases(None, text).ok
    assert make_case().case_ref == "CDR-2024-0002"


def test_concurrent_notifications_never_share_a_reference(make_app, db):
    app = make_app()
    errors, threads = [], []

    def notify(worker):
        with app.app_context():
            try:
                for i in range(3):
                    services.notify_death(
                        None, details(nhs_number=nhs_number(worker * 1000 + i * 17),
                                      surname=f"Worker{worker}-{i}"), confirmed_new=True)
            except Exception as exc:  # noqa: BLE001
                errors.append(repr(exc))
            finally:
                _db.session.remove()

    for worker in range(6):
        threads.append(threading.Thread(target=notify, args=(worker,)))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    refs = sorted(db.session.scalars(select(Case.case_ref)))
    assert refs == [f"CDR-2024-{n:04d}" for n in range(1, 19)]
