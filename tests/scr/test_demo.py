"""`flask demo load` gives a new board manager three reviews and a working dashboard."""

from sqlalchemy import func, select

from cdop_scr.actions import services as actions
from cdop_scr.models.scr import Review
from cdop_scr.scr.clocks import clocks_for
from cdop_scr.workdays import today


def test_the_demo_has_three_reviews_at_different_stages_with_overdue_work(app, db):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    reviews = db.session.scalars(select(Review).order_by(Review.referred_on)).all()
    assert len(reviews) == 3
    assert len({r.status for r in reviews}) == 3
    assert {r.framework for r in reviews} == {"scr", "lcspr"}
    assert any(c.breached for r in reviews for c in clocks_for(r))
    overdue = actions.overdue_actions("scr_review", today())
    assert len(overdue) == 1
    assert overdue[0].days_overdue(today()) > app.config["ESCALATION_OVERDUE_DAYS"]

    again = runner.invoke(args=["demo", "load"])
    assert again.exit_code == 0
    assert db.session.scalar(select(func.count()).select_from(Review)) == 3
