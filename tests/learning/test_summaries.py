"""Learning summaries: drafting, redaction on save, the residual check, two-person approval,
the hold, optimistic locking, the library, the year's export and the CLI."""

import io
import re
from datetime import timedelta

import docx
from sqlalchemy import func, select, text

from cdop_scr.cases import services as case_services
from cdop_scr.cases.clocks import today
from cdop_scr.learning import sanitise, services
from cdop_scr.models.learning import SECTIONS, LearningSummary, SourceKind
from tests.helpers import audit_events, error_summary, text_of

from .conftest import identifiable_details, identifiers_of


def _submit(summary, actor):
    return services.change_status(actor, summary.id, summary.version, "submit")


def _publish(summary, author, approver):
    _submit(summary, author)
    services.change_status(approver, summary.id, summary.version, "approve")
    return services.change_status(approver, summary.id, summary.version, "publish")


def _edit_data(summary, **changes):
    data = {"title": summary.title, "version": summary.version,
            "themes": list(summary.theme_codes)}
    for name, _, value in summary.sections():
        data[name] = value
    data.update(changes)
    return data


# --- drafting ----------------------------------------------------------

def test_drafting_from_a_reviewed_case_prefills_with_redactions_shown_and_no_identifier_of_the_case_in_the_draft(  # noqa: E501
        client, login_as, coordinator, reviewed_case, db):
    login_as(user=coordinator)
    response = client.post(f"/learning/new/case/{reviewed_case.id}", data={"pseudonym": "Ashley"})
    assert response.status_code == 302
    page = client.get(response.headers["Location"])
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    kinds = set(re.findall(r'data-redaction data-kind="([a-z_]+)"', html))
    assert {"child_name", "family_name", "date", "place", "nhs_number", "postcode", "phone",
            "email"} <= kinds
    summary = db.session.scalar(select(LearningSummary))
    assert summary.title == "Ashley's story"
    assert summary.introduction == "<p>Ashley was an eight-month-old baby.</p>"
    assert "Ashley" in summary.what_happened and "Health visitor" in summary.what_agencies_knew
    assert "safer sleep" in summary.key_learning and "<li>" in summary.recommendations
    assert summary.theme_codes == ["co_sleeping", "parental_smoking"]
    stored = " ".join([summary.title] + [t for _, _, t in summary.sections()])
    shown = text_of(page) + " " + html
    for identifier in identifiers_of(identifiable_details(0)):
        assert identifier.lower() not in stored.lower(), identifier
        assert identifier.lower() not in shown.lower(), identifier


def test_drafting_from_an_scr_at_approved_by_board_prefills_redacted_text(
        client, login_as, board_manager, approved_review, db):
    login_as(user=board_manager)
    response = client.post(f"/learning/new/review/{approved_review.id}",
                           data={"pseudonym": "Child A"})
    assert response.status_code == 302
    summary = db.session.scalar(select(LearningSummary))
    assert summary.source_kind == SourceKind.SCR_REVIEW and summary.review_id == approved_review.id
    assert summary.introduction == "<p>Child A was a primary-school-age child.</p>"
    body = summary.what_happened
    assert "Child A, born [date], was admitted on [date]" in body
    for identifier in ("Zebedee", "Quillfeather", "01/04/2015", "6 January 2025",
                       "01632 960222", "9434765919"):
        assert identifier not in body


def test_drafting_is_refused_for_an_open_case(client, login_as, coordinator, make_ready_case,
                                              db):
    case = make_ready_case()
    login_as(user=coordinator)
    page = client.get(f"/learning/new/case/{case.id}")
    assert "data-not-eligible" in page.get_data(as_text=True)
    response = client.post(f"/learning/new/case/{case.id}", data={"pseudonym": "Ashley"})
    assert response.status_code == 400
    assert any("signed off" in m for m in error_summary(response))
    assert db.session.scalar(select(func.count()).select_from(LearningSummary)) == 0


def test_a_pseudonym_that_is_one_of_the_familys_names_is_refused(
        client, login_as, coordinator, reviewed_case, db):
    login_as(user=coordinator)
    response = client.post(f"/learning/new/case/{reviewed_case.id}",
                           data={"pseudonym": "Marigold"})
    assert response.status_code == 400
    assert db.session.scalar(select(func.count()).select_from(LearningSummary)) == 0


def test_a_random_source_or_summary_id_is_not_found(client, login_as):
    login_as("coordinator")
    import uuid

    assert client.get(f"/learning/new/case/{uuid.uuid4()}").status_code == 404
    assert client.get(f"/learning/summaries/{uuid.uuid4()}").status_code == 404


# --- saving: redaction and sanitising on every save ---------------------------------------------

def test_every_save_redacts_again_and_the_replacements_are_listed_without_originals(
        client, login_as, coordinator, reviewed_case, make_summary, db):
    summary = make_summary(reviewed_case)
    login_as(user=coordinator)
    typed = "<p>Ottie and Thaddeus Ashby lived at 14 Larkspur Close; see 17/05/2023.</p>"
    response = client.post(f"/learning/summaries/{summary.id}/edit",
                           data=_edit_data(summary, what_happened=typed))
    assert response.status_code == 302
    db.session.refresh(summary)
    assert summary.what_happened == "<p>Ashley and the father lived at [place]; see [date].</p>"
    saved = [r for r in summary.redactions if r["field"] == "what_happened"]
    assert {r["kind"] for r in saved} == {"child_name", "family_name", "place", "date"}
    page = client.get(f"/learning/summaries/{summary.id}/edit").get_data(as_text=True)
    assert "Larkspur" not in page and "Thaddeus" not in page
    updated = audit_events("learning_summary_updated")[-1]
    assert "Larkspur" not in (updated.detail or "") and "replacements" in updated.detail


def test_bleach_removes_script_event_handlers_and_javascript_links_and_keeps_allowed_tags(
        client, login_as, coordinator, reviewed_case, make_summary, db):
    dirty = ('<p onclick="steal()">Safe <em>sleep</em> <strong>matters</strong>.'
             '<script>alert(1)</script><img src=x onerror="alert(2)">'
             ' <a href="javascript:alert(3)">bad link</a>'
             ' <a href="https://www.nhs.uk/baby/safer-sleep/" onmouseover="x()">NHS advice</a>'
             '</p><ul><li>One</li></ul><ol><li>Two</li></ol><h1>Big</h1><iframe></iframe>')
    cleaned = sanitise.clean(dirty)
    for gone in ("<script", "alert(1)", "onclick", "onerror", "onmouseover", "javascript:",
                 "<img", "<h1", "<iframe"):
        assert gone not in cleaned
    for kept in ("<p>", "<em>sleep</em>", "<strong>matters</strong>", "<ul><li>One</li></ul>",
                 "<ol><li>Two</li></ol>", 'href="https://www.nhs.uk/baby/safer-sleep/"',
                 'rel="noopener noreferrer"', "bad link"):
        assert kept in cleaned
    summary = make_summary(reviewed_case)
    login_as(user=coordinator)
    client.post(f"/learning/summaries/{summary.id}/edit",
                data=_edit_data(summary, key_learning=dirty))
    db.session.refresh(summary)
    assert "<script" not in summary.key_learning and "onclick" not in summary.key_learning
    assert "www.nhs.uk" in summary.key_learning  # a public guidance host survives redaction
    page = client.get(f"/learning/summaries/{summary.id}").get_data(as_text=True)
    assert "javascript:" not in page and "steal()" not in page
    assert "<em>sleep</em>" in page


def test_the_display_filter_sanitises_even_what_was_stored_unsanitised(app, reviewed_case,
                                                                        make_summary, db):
    summary = make_summary(reviewed_case)
    summary.key_learning = '<p onclick="x()">Hi<script>alert(1)</script></p>'
    db.session.commit()
    rendered = str(app.jinja_env.from_string("{{ t | learning_html }}").render(
        t=summary.key_learning))
    assert rendered == "<p>Hi</p>"


def test_summary_text_is_stored_encrypted(reviewed_case, make_summary, db):
    summary = make_summary(reviewed_case)
    row = db.session.execute(text(
        "SELECT title, what_happened, pseudonym FROM learning_summary WHERE id = :id"),
        {"id": summary.id.hex if db.engine.dialect.name == "sqlite" else summary.id}).one()
    for value in row:
        assert value is not None and b"Ashley" not in bytes(value)


def test_a_concurrent_edit_gets_409_and_keeps_the_input(client, login_as, coordinator,
                                                       reviewed_case, make_summary, db):
    summary = make_summary(reviewed_case)
    stale = _edit_data(summary, key_learning="<p>My careful rewrite.</p>")
    services.save_summary(coordinator, summary.id, summary.version, "Ashley's story",
                          {"key_learning": "<p>Someone else's change.</p>"}, [])
    login_as(user=coordinator)
    response = client.post(f"/learning/summaries/{summary.id}/edit", data=stale)
    assert response.status_code == 409
    assert "My careful rewrite." in response.get_data(as_text=True)
    db.session.refresh(summary)
    assert summary.key_learning == "<p>Someone else&#x27;s change.</p>" or \
        "Someone else" in summary.key_learning


# --- approval and publication ----------------------------------------------------------

def test_the_author_cannot_approve_their_own_summary(client, login_as, board_manager,
                                                     second_manager, reviewed_case,
                                                     make_summary, db):
    summary = make_summary(reviewed_case, actor=board_manager)
    _submit(summary, board_manager)
    login_as(user=board_manager)
    response = client.post(f"/learning/summaries/{summary.id}/approve",
                           data={"version": summary.version})
    assert response.status_code == 403
    assert "another board manager must approve it" in text_of(response)
    db.session.refresh(summary)
    assert summary.status == "submitted" and summary.approved_by_id is None
    assert audit_events("learning_summary_refused")[-1].outcome == "refused"

    login_as(user=second_manager)
    response = client.post(f"/learning/summaries/{summary.id}/approve",
                           data={"version": summary.version})
    assert response.status_code == 302
    db.session.refresh(summary)
    assert summary.status == "approved" and summary.approved_by_id == second_manager.id


def test_a_board_manager_who_last_changed_the_text_cannot_approve_it(
        board_manager, second_manager, coordinator, reviewed_case, make_summary):
    summary = make_summary(reviewed_case)
    services.save_summary(board_manager, summary.id, summary.version, "Ashley's story",
                          {"key_learning": "<p>Edited.</p>"}, [])
    _submit(summary, coordinator)
    import pytest

    from cdop_scr.errors import Forbidden

    with pytest.raises(Forbidden):
        services.change_status(board_manager, summary.id, summary.version, "approve")
    services.change_status(second_manager, summary.id, summary.version, "approve")


def test_a_hold_blocks_publishing_and_says_why(client, login_as, coordinator, board_manager,
                                               reviewed_case, make_summary, db):
    summary = make_summary(reviewed_case)
    _submit(summary, coordinator)
    services.change_status(board_manager, summary.id, summary.version, "approve")
    login_as(user=board_manager)
    review_on = today() + timedelta(days=90)
    response = client.post(f"/learning/summaries/{summary.id}/hold", data={
        "reason": "criminal_proceedings", "details": "Trial listed.",
        "review_on": [str(review_on.day), str(review_on.month), str(review_on.year)],
        "version": summary.version})
    assert response.status_code == 302
    db.session.refresh(summary)
    assert summary.status == "publication_hold" and summary.status_before_hold == "approved"

    response = client.post(f"/learning/summaries/{summary.id}/publish",
                           data={"version": summary.version})
    assert response.status_code == 400
    assert "on hold (criminal proceedings)" in text_of(response)
    db.session.refresh(summary)
    assert summary.status == "publication_hold" and summary.published_at is None

    client.post(f"/learning/summaries/{summary.id}/release-hold",
                data={"version": summary.version})
    db.session.refresh(summary)
    assert summary.status == "approved" and summary.hold_reason is None
    response = client.post(f"/learning/summaries/{summary.id}/publish",
                           data={"version": summary.version})
    assert response.status_code == 302
    db.session.refresh(summary)
    assert summary.status == "published" and summary.published_year == today().year


def test_refused_transitions_say_why_and_change_nothing(coordinator, board_manager,
                                                        reviewed_case, make_summary):
    import pytest

    from cdop_scr.errors import ValidationError

    summary = make_summary(reviewed_case)
    with pytest.raises(ValidationError, match="draft, so you cannot publish"):
        services.change_status(board_manager, summary.id, summary.version, "publish")
    assert summary.status == "draft"


def test_a_name_retyped_into_the_draft_blocks_approval_and_is_highlighted(
        client, login_as, coordinator, board_manager, reviewed_case, make_summary, db):
    summary = make_summary(reviewed_case)
    login_as(user=coordinator)
    # The author types the new partner's name; the record does not know him yet.
    client.post(f"/learning/summaries/{summary.id}/edit", data=_edit_data(
        summary, what_happened="<p>Ashley lived with her mother and Dean Harcourt-Vell.</p>"))
    db.session.refresh(summary)
    assert "Dean Harcourt-Vell" in summary.what_happened
    _submit(summary, coordinator)
    # Then the coordinator records him on the case: the residual check now knows the name.
    case_services.add_family_member(coordinator, reviewed_case, "other", "Dean Harcourt-Vell")

    login_as(user=board_manager)
    page = client.get(f"/learning/summaries/{summary.id}").get_data(as_text=True)
    assert '<mark class="app-residual">Dean Harcourt-Vell</mark>' in page
    response = client.post(f"/learning/summaries/{summary.id}/approve",
                           data={"version": summary.version})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "residual check found 1 identifier" in text_of(response)
    assert 'data-residual-hit data-field="what_happened"' in html
    assert '<mark class="app-residual">Dean Harcourt-Vell</mark>' in html
    db.session.refresh(summary)
    assert summary.status == "submitted"
    refused = audit_events("learning_summary_refused")[-1]
    assert "residual_identifiers" in refused.detail and "Dean" not in refused.detail


def test_a_name_written_into_the_stored_draft_outside_the_form_blocks_approval(
        coordinator, board_manager, reviewed_case, make_summary, db):
    import pytest

    from cdop_scr.errors import ValidationError

    summary = make_summary(reviewed_case)
    _submit(summary, coordinator)
    summary.key_learning = "<p>Marigold's <em>Otto</em>line was seen on 9 Feb 2024.</p>"
    db.session.commit()
    found = services.residual_hits(summary)
    assert {h.kind for h in found["key_learning"]} == {"family_name", "child_name", "date"}
    with pytest.raises(ValidationError, match="residual check"):
        services.change_status(board_manager, summary.id, summary.version, "approve")


def test_every_view_of_a_draft_is_audited(client, login_as, coordinator, reviewed_case,
                                          make_summary):
    summary = make_summary(reviewed_case)
    login_as(user=coordinator)
    before = len(audit_events("learning_summary_viewed"))
    for path in ("", "/edit", "/print"):
        assert client.get(f"/learning/summaries/{summary.id}{path}").status_code == 200
    viewed = audit_events("learning_summary_viewed")
    assert len(viewed) == before + 3
    assert all(e.target_id == str(summary.id) for e in viewed[-3:])


# --- the library and the export ----------------------------------------------------------

def test_library_theme_counts_are_suppressed(client, login_as, coordinator, board_manager,
                                             second_manager, reviewed_case, make_summary, db):
    for n in range(7):
        summary = make_summary(reviewed_case, pseudonym=f"Child {'ABCDEFG'[n]}")
        if n >= 2:
            summary.theme_codes = ["co_sleeping"]
            db.session.commit()
        _publish(summary, coordinator, board_manager)
    # co_sleeping 7, parental_smoking 2: "2" must not be shown, nor be worked out.
    login_as("coordinator")
    response = client.get("/learning/library")
    html = response.get_data(as_text=True)
    counts = dict(re.findall(r'data-theme-row="([^"]+)">\s*<th[^>]*>[^<]*</th>\s*'
                             r'<td[^>]*data-count>([^<]+)</td>', html))
    assert counts["Parental smoking"] == "&lt;5"
    # The total of 9 may show, so co-sleeping's 7 must not, or 9 - 7 gives the 2 away.
    assert "2" not in counts.values() and "7" not in counts.values()
    assert counts["Co-sleeping"] == "[c]" or counts["Total"] == "[c]"
    assert len(re.findall(r"data-library-summary>", html)) == 7


def test_a_years_summaries_export_as_docx_and_html_with_their_titles(
        client, login_as, coordinator, board_manager, reviewed_case, make_summary):
    _publish(make_summary(reviewed_case, pseudonym="Ashley"), coordinator, board_manager)
    _publish(make_summary(reviewed_case, pseudonym="Rebecca"), coordinator, board_manager)
    login_as("coordinator")
    year = today().year
    response = client.get(f"/learning/library/export?year={year}&format=docx")
    assert response.status_code == 200
    assert f"learning-summaries-{year}.docx" in response.headers["Content-Disposition"]
    document = docx.Document(io.BytesIO(response.data))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert "Ashley's story" in headings and "Rebecca's story" in headings
    assert any("Key learning" == h for h in headings)
    body = " ".join(p.text for p in document.paragraphs)
    assert "Ottoline" not in body and "Larkspur" not in body

    response = client.get(f"/learning/library/export?year={year}&format=html")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "<h2>Ashley&#39;s story</h2>" in page or "Ashley's story" in page
    assert audit_events("learning_summaries_exported")[-1].detail.count("docx") == 0
    assert client.get(f"/learning/library/export?year={year - 5}&format=docx").status_code == 404


def test_the_library_and_drafts_are_staff_only(client, login_as):
    login_as("panel_member")
    assert client.get("/learning/library").status_code == 403
    login_as("admin")
    assert client.get("/learning").status_code == 403


# --- the command line ----------------------------------------------------------

def test_the_cli_redact_command_prints_the_case_narrative_as_it_would_be_published(
        app, reviewed_case):
    result = app.test_cli_runner().invoke(args=["learning", "redact", "--case",
                                                reviewed_case.case_ref.lower(),
                                                "--pseudonym", "Ashley"])
    assert result.exit_code == 0, result.output
    assert "Ashley, born [date], was found unresponsive" in result.output
    assert "Agency report: Health visitor" in result.output
    for identifier in identifiers_of(identifiable_details(0)):
        assert identifier.lower() not in result.output.lower(), identifier
    assert audit_events("learning_redaction_previewed")


def test_the_cli_redact_command_fails_for_an_unknown_case(app, db):
    result = app.test_cli_runner().invoke(args=["learning", "redact", "--case", "NOPE-1"])
    assert result.exit_code != 0 and "No case" in result.output


# --- the demo ----------------------------------------------------------

def test_the_demo_has_a_published_summary_and_a_draft_awaiting_approval(app, db):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    statuses = sorted(db.session.scalars(select(LearningSummary.status)).all())
    assert statuses == ["published", "submitted"]
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    assert db.session.scalar(select(func.count()).select_from(LearningSummary)) == 2


def test_age_is_put_in_broad_terms():
    assert services.age_in_words(3) == "a newborn baby"
    assert services.age_in_words(125) == "a four-month-old baby"
    assert services.age_in_words(250) == "an eight-month-old baby"
    assert services.age_in_words(3 * 365) == "a young child"
    assert services.age_in_words(15 * 365) == "a teenager"
    assert services.age_in_words(None) == "a child"


# --- gaps closed: SCR eligibility, the review's people, words that are names -----------------

def test_drafting_is_refused_for_an_scr_below_approved_by_board(client, login_as, board_manager,
                                                                approved_review, db):
    approved_review.status = "report_received"
    approved_review.approved_on = None
    db.session.commit()
    login_as(user=board_manager)
    page = client.get(f"/learning/new/review/{approved_review.id}")
    assert "data-not-eligible" in page.get_data(as_text=True)
    response = client.post(f"/learning/new/review/{approved_review.id}",
                           data={"pseudonym": "Child A"})
    assert response.status_code == 400
    assert error_summary(response) == [
        "A learning summary can only be drafted from a case review the board has approved"]
    assert db.session.scalar(select(func.count()).select_from(LearningSummary)) == 0
    listed = client.get("/learning/new").get_data(as_text=True)
    assert approved_review.reference not in listed


def test_the_reviewers_and_decision_makers_names_are_redacted_from_a_draft_from_an_scr(
        board_manager, approved_review, db):
    approved_review.reviewer_name = "Dr Ngozi Achebe"
    approved_review.decided_by = "Marcus Pennyworth, independent chair"
    approved_review.incident_summary = (
        "Dr Ngozi Achebe led the review; Ngozi met the family. Marcus Pennyworth decided on "
        "the twelfth of March that Mr Pennyworth would chair it. The independent chair agreed.")
    db.session.commit()
    summary = services.draft_summary(board_manager, SourceKind.SCR_REVIEW, approved_review.id,
                                     "Child A")
    body = summary.what_happened
    for name in ("Ngozi", "Achebe", "Marcus", "Pennyworth", "twelfth"):
        assert name not in body, name
    assert "the reviewer met the family" in body and "The decision maker decided on [date]" in body
    assert "The independent chair agreed" in body  # a role, not a name: left alone


def test_a_lowercase_word_that_is_the_childs_name_blocks_approval_until_reworded(
        client, login_as, coordinator, board_manager, make_reviewed_case, make_summary, db):
    case = make_reviewed_case(forename="Rose", circumstances="Rose was found at home.")
    summary = make_summary(case, pseudonym="Ashley")
    login_as(user=coordinator)
    client.post(f"/learning/summaries/{summary.id}/edit", data=_edit_data(
        summary, key_learning="<p>Concerns rose over the winter, but no agency acted.</p>"))
    db.session.refresh(summary)
    assert "Concerns rose over" in summary.key_learning  # an ordinary word: redaction keeps it
    _submit(summary, coordinator)

    login_as(user=board_manager)
    page = client.get(f"/learning/summaries/{summary.id}").get_data(as_text=True)
    assert 'Concerns <mark class="app-residual">rose</mark> over' in page
    assert "data-possible-names" in page
    response = client.post(f"/learning/summaries/{summary.id}/approve",
                           data={"version": summary.version})
    assert response.status_code == 400 and "residual check found" in text_of(response)
    assert "Word that is also a name in this case (reword it) in key learning" in \
        text_of(response)
    db.session.refresh(summary)
    assert summary.status == "submitted"

    services.change_status(coordinator, summary.id, summary.version, "return")
    fields = {n: v for n, _, v in summary.sections()}
    fields["key_learning"] = "<p>Concerns grew over the winter, but no agency acted.</p>"
    services.save_summary(coordinator, summary.id, summary.version, summary.title, fields,
                          summary.theme_codes)
    _submit(summary, coordinator)
    assert services.residual_hits(summary) == {}
    services.change_status(board_manager, summary.id, summary.version, "approve")
    assert summary.status == "approved"


def test_a_name_inside_a_hashtag_typed_into_a_draft_is_removed_on_save(
        client, login_as, coordinator, reviewed_case, make_summary, db):
    summary = make_summary(reviewed_case)
    login_as(user=coordinator)
    client.post(f"/learning/summaries/{summary.id}/edit", data=_edit_data(
        summary, what_happened="<p>Friends used #JusticeForOttoline and @marigold_ashby.</p>"))
    db.session.refresh(summary)
    assert summary.what_happened == "<p>Friends used [removed] and [removed].</p>"


# --- the rich text toolbar (server side: the hooks, and no inline script) ---------------------

def test_the_edit_page_marks_each_section_for_the_formatting_buttons_and_has_no_inline_script(
        client, login_as, coordinator, reviewed_case, make_summary):
    summary = make_summary(reviewed_case)
    login_as(user=coordinator)
    html = client.get(f"/learning/summaries/{summary.id}/edit").get_data(as_text=True)
    marked = re.findall(r'<textarea[^>]*name="([a-z_]+)"[^>]*data-rich-text', html) + \
        re.findall(r'<textarea[^>]*data-rich-text[^>]*name="([a-z_]+)"', html)
    assert sorted(set(marked)) == sorted(name for name, _ in SECTIONS)
    # The buttons come from the page's one script file: no inline handler or script for them
    # (the layout's one inline line carries the CSP nonce).
    scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", html, re.S)
    assert any('src="/static/js/application.js"' in attrs for attrs, _ in scripts)
    assert all("nonce=" in attrs or ('src="' in attrs and not body.strip())
               for attrs, body in scripts)
    assert not any("rich-text" in body for _, body in scripts)
    assert not re.search(r"<[^>]+\son[a-z]+\s*=", html)


def test_the_script_served_to_the_browser_carries_the_formatting_buttons(client):
    from pathlib import Path

    built = Path(client.application.static_folder) / "js" / "application.js"
    source = Path(client.application.root_path) / "assets" / "application.js"
    assert built.read_text() == source.read_text(), "run bash .ci/build-assets.sh"
    script = client.get("/static/js/application.js").get_data(as_text=True)
    for label in ("Paragraph", "Bulleted list", "Numbered list", "Bold", "Emphasis", "Link"):
        assert f"label: '{label}'" in script


# --- the library's filters and the printable page ----------------------------------------------

def test_the_library_filters_by_theme_and_by_year(client, login_as, coordinator, board_manager,
                                                  reviewed_case, make_summary, db):
    this_year = today().year
    made = {}
    for pseudonym, themes, year in (("Ashley", ["co_sleeping"], this_year),
                                    ("Bobbie", ["parental_smoking"], this_year),
                                    ("Carys", ["co_sleeping"], this_year - 1)):
        summary = make_summary(reviewed_case, pseudonym=pseudonym)
        summary.theme_codes = themes
        db.session.commit()
        _publish(summary, coordinator, board_manager)
        summary.published_year = year
        db.session.commit()
        made[pseudonym] = summary
    login_as("coordinator")

    def listed(query):
        html = client.get(f"/learning/library{query}").get_data(as_text=True)
        return sorted(re.findall(r"data-library-summary><a[^>]*>([^<]+)</a>", html))

    assert listed("") == ["Ashley&#39;s story", "Bobbie&#39;s story", "Carys&#39;s story"]
    assert listed("?theme=co_sleeping") == ["Ashley&#39;s story", "Carys&#39;s story"]
    assert listed(f"?year={this_year - 1}") == ["Carys&#39;s story"]
    assert listed(f"?theme=co_sleeping&year={this_year}") == ["Ashley&#39;s story"]
    assert listed(f"?theme=parental_smoking&year={this_year - 1}") == []
    html = client.get(f"/learning/library?theme=co_sleeping&year={this_year}").get_data(
        as_text=True)
    assert '<option value="co_sleeping" selected>' in html
    assert f'<option value="{this_year}" selected>' in html
    assert "data-library-empty" in client.get(
        f"/learning/library?theme=parental_smoking&year={this_year - 1}").get_data(as_text=True)
    assert client.get("/learning/library?year=nineteen").status_code == 400


def test_the_printable_page_has_the_title_every_section_and_the_themes_and_nothing_else(
        client, login_as, coordinator, board_manager, reviewed_case, make_summary, db):
    summary = make_summary(reviewed_case)
    login_as(user=coordinator)
    page = client.get(f"/learning/summaries/{summary.id}/print")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert re.search(r"<h1>Ashley(&#39;|')s story</h1>", html)
    headings = re.findall(r"<h2>([^<]+)</h2>", html)
    assert headings == [heading for _, heading in SECTIONS]
    printed = text_of(page)
    assert "Not published: draft. Do not share." in printed
    assert "safer sleep" in printed and "Ashley was an eight-month-old baby." in printed
    assert "Themes: Co-sleeping, Parental smoking" in printed
    for absent in ("<nav", "<script", "<form", "govuk-header", "Sign out"):
        assert absent not in html
    for identifier in identifiers_of(identifiable_details(0)):
        assert identifier.lower() not in html.lower(), identifier

    _publish(summary, coordinator, board_manager)
    published = text_of(client.get(f"/learning/summaries/{summary.id}/print"))
    assert "Not published" not in published and "Ashley's story" in published
