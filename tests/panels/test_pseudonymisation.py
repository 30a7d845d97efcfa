"""No identifier of a case reaches a panel member's pages or the panel pack.

The forbidden list is read from the stored record (`record_identifiers`), so every identifier
field the case holds is scanned for, in the forms people write it.
"""

import re
from datetime import UTC, datetime

import time_machine

from cdop_scr.cases.clocks import today
from cdop_scr.panels import services

from .conftest import leaks_of, record_identifiers

# A fixed "now", so no date or time the pages show of their own (meeting dates, sign-off
# times) can happen to coincide with a date or time of the record.
NOW = datetime(2026, 3, 4, 10, 0, tzinfo=UTC)


def member_pages(client, meeting, case, signed_off=False):
    base = f"/panel-meetings/{meeting.id}"
    urls = ["/panel-meetings", base, f"{base}/pack", f"{base}/conflicts",
            f"{base}/cases/{case.id}", f"{base}/cases/{case.id}/analysis"]
    if not signed_off:
        urls.append(f"{base}/cases/{case.id}/break-glass")
    pages = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        pages[url] = response.get_data(as_text=True)
    return pages


def sign_off(meeting, case, member, chair):
    analysis = services.save_analysis(member, meeting.id, case.id, 0, category=10,
                                      event="sudden_unexpected", refer_for_scr=False,
                                      learning_points="Safer sleep advice.")
    services.sign_off_review(chair, meeting.id, case.id, analysis.version, today())


def test_the_forbidden_list_is_every_identifier_field_of_the_stored_record(make_ready_case):
    case = make_ready_case()
    found = set(record_identifiers(case.id))
    nhs = case.nhs_number
    assert {"Ottoline", "Quennell-Ashby", "Quennell", "Ashby", "Ottie",
            "Marigold Quennell-Ashby", "Marigold", "Thaddeus", "Philippa", "Wexcombe",
            "Hana Wexford", "Wexford", nhs, f"{nhs[:3]} {nhs[3:6]} {nhs[6:]}", "EX1 4QZ",
            "EX14QZ", "14 Larkspur Close", "Exampleton", "Pretend Primary School",
            "Imaginary Lane Surgery", "St Example's Hospital", "01632 960000",
            "hv@example.org", "17/05/2023", "17 May 2023", "9 February 2024", "2024-02-09",
            "10/02/2024", "February 9th, 2024", "14:30", "2.30pm"} <= found
    assert "Dr" not in found  # an honorific is not a name


def test_no_identifier_of_the_case_appears_in_a_members_pages_or_the_pack(
        client, login_as, member, chair, make_ready_case, make_meeting):
    with time_machine.travel(NOW, tick=False):
        case = make_ready_case()
        meeting = make_meeting([case], members=[member])
        login_as(user=member)

        pages = member_pages(client, meeting, case)
        for url, html in pages.items():
            assert leaks_of(html, case.id) == [], url
        # What they do see: the pseudonym in place of the names, and the clear codes.
        case_page = pages[f"/panel-meetings/{meeting.id}/cases/{case.id}"]
        assert "Child A Quennell" not in case_page
        assert "Child A, born [date], was found unresponsive" in case_page
        assert ("Child A&#39;s father [father]" in case_page
                or "Child A's father [father]" in case_page)
        assert "8 months" in case_page and "28-364 days" in case_page
        assert "Unexpected" in case_page and "Home" in case_page
        assert "[removed]" in case_page and "[date]" in case_page and "[place]" in case_page
        pack = pages[f"/panel-meetings/{meeting.id}/pack"]
        assert "Child A" in pack and case.case_ref in pack
        assert "Health visitor" in pack
        assert "Break-glass access to the identifiable record" in pages[
            f"/panel-meetings/{meeting.id}/cases/{case.id}/break-glass"]


def test_no_identifier_appears_in_a_members_pages_after_sign_off(
        client, login_as, member, chair, make_ready_case, make_meeting):
    with time_machine.travel(NOW, tick=False):
        case = make_ready_case()
        meeting = make_meeting([case], members=[member])
        sign_off(meeting, case, member, chair)
        login_as(user=member)

        pages = member_pages(client, meeting, case, signed_off=True)
        assert "data-locked" in pages[f"/panel-meetings/{meeting.id}/cases/{case.id}/analysis"]
        for url, html in pages.items():
            assert leaks_of(html, case.id) == [], url


def test_the_pack_names_no_identifier_of_any_agenda_case(client, login_as, member,
                                                         make_ready_case, make_meeting):
    with time_machine.travel(NOW, tick=False):
        cases = [make_ready_case(), make_ready_case(), make_ready_case()]
        meeting = make_meeting(cases, members=[member])
        login_as(user=member)
        html = client.get(f"/panel-meetings/{meeting.id}/pack").get_data(as_text=True)
        for case in cases:
            assert leaks_of(html, case.id) == [], case.case_ref
        assert {"Child A", "Child B", "Child C"} <= set(re.findall(r"Child [ABC]\b", html))


def test_the_scan_finds_an_identifier_the_page_shows(client, login_as, coordinator,
                                                     make_ready_case, make_meeting):
    """The coordinator's page shows the identifiable record: the scan must say so."""
    with time_machine.travel(NOW, tick=False):
        case = make_ready_case()
        meeting = make_meeting([case])
        login_as(user=coordinator)
        html = client.get(f"/panel-meetings/{meeting.id}/cases/{case.id}").get_data(
            as_text=True)
        found = leaks_of(html, case.id)
        assert {"Ottoline", "Quennell-Ashby", case.nhs_number, "EX1 4QZ",
                "St Example's Hospital", "17 May 2023"} <= set(found)


def test_the_time_of_death_is_taken_out_of_the_narrative(client, login_as, member,
                                                         make_ready_case, make_meeting):
    with time_machine.travel(NOW, tick=False):
        case = make_ready_case(circumstances="Ottoline was found at about 2.30pm, and the "
                                             "ambulance logged the call at 14:30.")
        meeting = make_meeting([case], members=[member])
        login_as(user=member)
        html = client.get(f"/panel-meetings/{meeting.id}/cases/{case.id}").get_data(
            as_text=True)
        assert leaks_of(html, case.id) == []
        assert "Child A was found at about [removed]" in html


def test_the_coordinator_sees_the_identifiable_record(client, login_as, coordinator,
                                                      make_ready_case, make_meeting):
    case = make_ready_case()
    meeting = make_meeting([case])
    login_as(user=coordinator)
    html = client.get(f"/panel-meetings/{meeting.id}/cases/{case.id}").get_data(as_text=True)
    assert "Ottoline Quennell-Ashby" in html
    assert case.nhs_number in html
