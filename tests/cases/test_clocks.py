"""Days since death and the 6- and 12-month flags, on the case and in the list's filter."""

from datetime import date

import pytest
import time_machine

from cdop_scr.cases import services
from cdop_scr.cases.clocks import Rag, add_months, boundary_month, rag_for
from cdop_scr.crypto import cipher

from ..helpers import text_of
from .conftest import nhs_number


def test_add_months_keeps_the_day_or_uses_the_last_day_of_a_short_month():
    assert add_months(date(2024, 1, 10), 6) == date(2024, 7, 10)
    assert add_months(date(2023, 8, 31), 6) == date(2024, 2, 29)
    assert add_months(date(2023, 12, 15), 12) == date(2024, 12, 15)
    assert add_months(date(2024, 3, 31), -1) == date(2024, 2, 29)


@pytest.mark.parametrize("on, expected", [
    (date(2024, 7, 9), Rag.GREEN),
    (date(2024, 7, 10), Rag.AMBER),   # exactly 6 months after the death
    (date(2025, 1, 9), Rag.AMBER),
    (date(2025, 1, 10), Rag.RED),     # exactly 12 months after the death
])
def test_the_flag_turns_amber_at_6_months_and_red_at_12(on, expected):
    assert rag_for(date(2024, 1, 10), on) == expected


@pytest.mark.parametrize("today, days, rag, warning", [
    (date(2024, 7, 9), 181, "green", False),
    (date(2024, 7, 10), 182, "amber", False),
    (date(2025, 1, 9), 365, "amber", False),
    (date(2025, 1, 10), 366, "red", True),
])
def test_the_case_page_shows_the_clock_at_the_boundaries(client, login_as, make_case,
                                                         today, days, rag, warning):
    case = make_case(date_of_death=date(2024, 1, 10), notified_on=date(2024, 1, 11))
    with time_machine.travel(today, tick=False):
        login_as("coordinator")  # sessions expire across a jump in time: sign in on the day
        page = client.get(f"/cases/{case.id}")
    html = page.get_data(as_text=True)
    assert f'<span data-days>{days}</span>' in html
    assert f'data-rag="{rag}"' in html
    assert ("This review has been open for over 12 months" in text_of(page)) is warning


def test_a_red_case_with_a_reason_for_delay_has_no_warning(client, login_as, make_case, db):
    case = make_case(date_of_death=date(2024, 1, 10), notified_on=date(2024, 1, 11))
    with time_machine.travel(date(2025, 3, 1), tick=False):
        user = login_as("coordinator")
        services.record_delay_reason(user, case, case.version, "awaiting_inquest")
        page = client.get(f"/cases/{case.id}")
    assert 'data-rag="red"' in page.get_data(as_text=True)
    assert "over 12 months" not in text_of(page)
    assert "Awaiting inquest" in text_of(page)


def test_a_reviewed_case_has_no_flag(client, login_as, make_case, db):
    case = make_case(date_of_death=date(2024, 1, 10), notified_on=date(2024, 1, 11))
    services.change_status(None, case, case.version, "gathering_information")
    services.change_status(None, case, case.version, "ready_for_panel")
    services.mark_reviewed(None, case, 9, "not_modifiable", None, date(2024, 11, 1))
    with time_machine.travel(date(2025, 6, 1), tick=False):
        login_as("coordinator")
        page = client.get(f"/cases/{case.id}")
    assert 'data-rag="none"' in page.get_data(as_text=True)


NHS = [nhs_number(100000 + i * 7919) for i in range(10)]


@pytest.fixture
def spread(make_case):
    """Open cases around the boundaries, with 'today' = 15 July 2025."""
    deaths = {
        "red-old": date(2024, 3, 3),         # month before the 12-month boundary month
        "red-boundary": date(2024, 7, 15),   # exactly 12 months
        "amber-boundary": date(2024, 7, 16), # a day short of 12 months
        "amber-middle": date(2024, 10, 1),
        "amber-6": date(2025, 1, 15),        # exactly 6 months
        "green-boundary": date(2025, 1, 16), # a day short of 6 months
        "green-new": date(2025, 6, 30),
    }
    cases = {}
    for (name, died), nhs in zip(deaths.items(), NHS, strict=False):
        cases[name] = make_case(surname=name, nhs_number=nhs, date_of_death=died,
                                date_of_birth=date(2020, 1, 1), notified_on=died)
    return cases


@pytest.mark.parametrize("rag, expected", [
    ("red", {"red-old", "red-boundary"}),
    ("amber", {"amber-boundary", "amber-middle", "amber-6"}),
    ("green", {"green-boundary", "green-new"}),
])
def test_the_list_filters_by_flag_exactly(client, login_as, spread, rag, expected):
    with time_machine.travel(date(2025, 7, 15), tick=False):
        login_as("coordinator")
        page = client.get(f"/cases?rag={rag}")
    refs = {c.case_ref for name, c in spread.items() if name in expected}
    html = page.get_data(as_text=True)
    shown = {part.split('"')[0] for part in html.split('data-case-ref="')[1:]}
    assert shown == refs


def test_the_flag_filter_decrypts_only_dates_of_death_in_the_boundary_months(
    client, login_as, spread, monkeypatch
):
    calls = []
    real = cipher.decrypt

    def counting(keyring, blob, aad):
        calls.append(aad.decode())
        return real(keyring, blob, aad)

    monkeypatch.setattr(cipher, "decrypt", counting)
    with time_machine.travel(date(2025, 7, 15), tick=False):
        assert boundary_month(12) == date(2024, 7, 1)
        services._rag_condition("red")
    decrypted = [a for a in calls if a.startswith("child_death_case.date_of_death")]
    # Only the two deaths in July 2024 (and none in January 2025's month is red-relevant,
    # but January is the 6-month boundary and is read too): four boundary rows in all.
    ids = {str(spread[n].id) for n in ("red-boundary", "amber-boundary", "amber-6",
                                       "green-boundary")}
    assert {a.rsplit(".", 1)[1] for a in decrypted} == ids
    assert all(a.startswith("child_death_case.date_of_death") for a in calls)


def test_the_list_shows_days_since_death_and_can_show_cases_awaiting_reports(
    client, login_as, make_case, db
):
    with time_machine.travel(date(2024, 6, 1), tick=False):
        user = login_as("coordinator")
        waiting = make_case()
        make_case(nhs_number="4010232137", surname="Nothing-Asked")
        services.request_agency_report(user, waiting, "gp", "Pat", None, date(2024, 6, 10))
    with time_machine.travel(date(2024, 6, 20), tick=False):
        login_as("coordinator")
        page = client.get("/cases?awaiting_reports=any")
        overdue = client.get("/cases?awaiting_reports=overdue")
        everything = client.get("/cases")
    for response in (page, overdue):
        html = response.get_data(as_text=True)
        assert html.count("data-case-ref=") == 1 and waiting.case_ref in html
    assert everything.get_data(as_text=True).count("data-case-ref=") == 2
    assert "<td class=\"govuk-table__cell govuk-table__cell--numeric\" data-days>162</td>" in \
        page.get_data(as_text=True)
