"""The case list: sorted by days open (the column it shows), paginated, and the filter for
cases open over 12 months with no reason for delay."""

from datetime import date

import pytest
import time_machine
from lxml import html as lxml_html
from sqlalchemy import select

from cdop_scr.cases import services
from cdop_scr.models import Case

from ..helpers import audit_events
from .conftest import nhs_number


def rows_of(response):
    """(case reference, days open, days since death) for each row shown, in order."""
    doc = lxml_html.fromstring(response.get_data(as_text=True))
    return [(tr.get("data-case-ref"),
             int(tr.xpath("string(.//*[@data-days-open])")),
             int(tr.xpath("string(.//*[@data-days])")))
            for tr in doc.xpath("//table[@data-cases]//tr[@data-case-ref]")]


def pagination_links(response):
    doc = lxml_html.fromstring(response.get_data(as_text=True))
    return {a.text_content().split()[0]: a.get("href")
            for a in doc.xpath("//nav[contains(@class, 'govuk-pagination')]//a")}


@pytest.fixture
def five(make_case):
    """Five open cases; the order of notification is not the order of death."""
    dates = [  # (died, notified)
        (date(2024, 1, 1), date(2024, 1, 20)),
        (date(2023, 12, 1), date(2024, 2, 1)),   # died first, notified late
        (date(2024, 2, 10), date(2024, 2, 11)),
        (date(2024, 3, 1), date(2024, 3, 5)),
        (date(2024, 4, 1), date(2024, 4, 2)),
    ]
    with time_machine.travel(date(2024, 6, 1), tick=False):
        return [make_case(surname=f"Listed{i}", nhs_number=nhs_number(3000 + 17 * i),
                          date_of_death=died, notified_on=notified).case_ref
                for i, (died, notified) in enumerate(dates)]


def test_the_list_is_sorted_by_days_open_longest_first_and_shows_that_column(
    client, login_as, five
):
    with time_machine.travel(date(2024, 6, 1), tick=False):
        login_as("coordinator")
        page = client.get("/cases")
    shown = rows_of(page)
    assert [ref for ref, _, _ in shown] == five
    # Days open counts from the notification: 1 June 2024 less each notification date.
    assert [days_open for _, days_open, _ in shown] == [133, 121, 111, 88, 60]
    # Days since death is shown too; it is not the sort (the second death was the earliest).
    assert [days for _, _, days in shown] == [152, 183, 112, 92, 61]
    headers = [" ".join(th.text_content().split()) for th in
               lxml_html.fromstring(page.get_data(as_text=True)).xpath(
                   "//table[@data-cases]//th")]
    assert "Days open (since notification)" in headers and "Days since death" in headers


def test_the_list_pages_keep_the_order_and_link_to_each_other(client, login_as, five,
                                                              monkeypatch):
    monkeypatch.setattr(services, "PER_PAGE", 2)
    with time_machine.travel(date(2024, 6, 1), tick=False):
        login_as("coordinator")
        first, second, third = (client.get(f"/cases?page={n}") for n in (1, 2, 3))
        newest = client.get("/cases?sort=newest&page=2")
    assert [[ref for ref, *_ in rows_of(p)] for p in (first, second, third)] == [
        five[0:2], five[2:4], five[4:5]]
    links = pagination_links(second)
    assert "page=1" in links["Previous"] and "page=3" in links["Next"]
    assert "Next" not in pagination_links(third)
    assert "5 cases" in third.get_data(as_text=True)
    # Another sort keeps its own order across pages, and its links keep the sort.
    assert [ref for ref, *_ in rows_of(newest)] == [five[2], five[1]]
    assert "sort=newest" in pagination_links(newest)["Next"]
    assert audit_events()[-1].detail_dict == {"filters": {"sort": "newest"}, "page": 2,
                                               "shown": 2}


def test_the_list_can_show_cases_open_over_12_months_with_no_reason_for_delay(
    client, login_as, db, make_case
):
    deaths = {
        "red-old": (date(2024, 3, 3), None),
        "red-boundary": (date(2024, 7, 15), None),              # exactly 12 months
        "red-with-reason": (date(2024, 3, 4), "awaiting_inquest"),
        "red-boundary-with-reason": (date(2024, 7, 14), "panel_capacity"),
        "amber": (date(2024, 7, 16), None),                     # a day short of 12 months
        "reviewed": (date(2024, 2, 1), None),
    }
    cases = {}
    with time_machine.travel(date(2025, 7, 15), tick=False):
        for i, (name, (died, reason)) in enumerate(deaths.items()):
            case = make_case(surname=name, nhs_number=nhs_number(9000 + 31 * i),
                             date_of_death=died, notified_on=died,
                             date_of_birth=date(2020, 1, 1))
            if reason:
                services.record_delay_reason(None, case, case.version, reason)
            cases[name] = case.case_ref
        reviewed = db.session.scalar(select(Case).where(Case.case_ref == cases["reviewed"]))
        services.change_status(None, reviewed, reviewed.version, "gathering_information")
        services.change_status(None, reviewed, reviewed.version, "ready_for_panel")
        services.mark_reviewed(None, reviewed, 9, "not_modifiable", None, date(2025, 7, 1))
        login_as("coordinator")
        page = client.get("/cases?rag=red_no_reason")
        everything_red = client.get("/cases?rag=red")
    assert {ref for ref, *_ in rows_of(page)} == {cases["red-old"], cases["red-boundary"]}
    assert {ref for ref, *_ in rows_of(everything_red)} == {
        cases[n] for n in ("red-old", "red-boundary", "red-with-reason",
                           "red-boundary-with-reason")}
    doc = lxml_html.fromstring(page.get_data(as_text=True))
    assert doc.xpath("string(//select[@name='rag']/option[@selected])") == (
        "Open over 12 months with no reason for delay")
    assert len(doc.xpath("//table[@data-cases]//*[contains(text(), 'No reason for delay')]")) == 2
