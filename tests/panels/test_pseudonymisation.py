"""No identifier of a case reaches a panel member's pages or the panel pack."""

import re

from .conftest import identifiable_details, identifiers_of


def leaks(html, values):
    lowered = html.lower()
    return [i for i in identifiers_of(values) if i.lower() in lowered]


def member_pages(client, meeting, case):
    base = f"/panel-meetings/{meeting.id}"
    pages = {}
    for url in ("/panel-meetings", base, f"{base}/pack", f"{base}/conflicts",
                f"{base}/cases/{case.id}", f"{base}/cases/{case.id}/analysis"):
        response = client.get(url)
        assert response.status_code == 200, url
        pages[url] = response.get_data(as_text=True)
    return pages


def test_no_identifier_of_the_case_appears_in_a_members_pages_or_the_pack(
        client, login_as, member, make_ready_case, make_meeting):
    case = make_ready_case()
    values = identifiable_details(0)
    meeting = make_meeting([case], members=[member])
    login_as(user=member)

    pages = member_pages(client, meeting, case)
    for url, html in pages.items():
        assert leaks(html, values) == [], url
    # What they do see: the pseudonym in place of the names, and the clear codes.
    case_page = pages[f"/panel-meetings/{meeting.id}/cases/{case.id}"]
    assert "Child A Quennell" not in case_page
    assert "Child A, born [date], was found unresponsive" in case_page
    assert "Child A&#39;s father [father]" in case_page or "Child A's father [father]" in case_page
    assert "8 months" in case_page and "28-364 days" in case_page
    assert "Unexpected" in case_page and "Home" in case_page
    assert "[removed]" in case_page and "[date]" in case_page and "[place]" in case_page
    pack = pages[f"/panel-meetings/{meeting.id}/pack"]
    assert "Child A" in pack and case.case_ref in pack
    assert "Health visitor" in pack


def test_the_pack_names_no_identifier_of_any_agenda_case(client, login_as, member,
                                                         make_ready_case, make_meeting):
    cases = [make_ready_case(), make_ready_case(), make_ready_case()]
    meeting = make_meeting(cases, members=[member])
    login_as(user=member)
    html = client.get(f"/panel-meetings/{meeting.id}/pack").get_data(as_text=True)
    for n in range(3):
        assert leaks(html, identifiable_details(n)) == []
    assert re.findall(r"Child [ABC]\b", html)
    assert {"Child A", "Child B", "Child C"} <= set(re.findall(r"Child [ABC]\b", html))


def test_the_coordinator_sees_the_identifiable_record(client, login_as, coordinator,
                                                      make_ready_case, make_meeting):
    case = make_ready_case()
    meeting = make_meeting([case])
    login_as(user=coordinator)
    html = client.get(f"/panel-meetings/{meeting.id}/cases/{case.id}").get_data(as_text=True)
    assert "Ottoline Quennell-Ashby" in html
    assert case.nhs_number in html
