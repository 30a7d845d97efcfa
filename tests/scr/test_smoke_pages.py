"""Every review page renders for the board manager (a quick guard against template slips)."""

from datetime import date

from .builders import add_action, decide, make_review


def test_every_review_page_renders(app, client, frozen_at):
    actor = frozen_at(date(2025, 8, 1))
    review = make_review(actor)
    decide(actor, review)
    action = add_action(actor, review)
    recommendation = action.recommendation
    base = f"/reviews/{review.id}"
    pages = [
        "/reviews", "/reviews/dashboard", "/reviews/new", base, f"{base}/edit",
        f"{base}/decision", f"{base}/status", f"{base}/agencies/new", f"{base}/meetings/new",
        f"{base}/documents/new", f"{base}/action-plan",
        f"{base}/action-plan/recommendations/new",
        f"{base}/action-plan/recommendations/{recommendation.id}/actions/new",
        f"{base}/actions/{action.id}", f"{base}/actions/{action.id}/edit",
        f"{base}/actions/{action.id}/evidence/new",
        f"{base}/actions/{action.id}/evidence-not-accepted",
        f"{base}/actions/{action.id}/challenges/new",
        "/reviews/action-tracker.csv", "/reviews/action-tracker.xlsx",
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
