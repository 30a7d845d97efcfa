"""Break-glass from a serious case review: a grant names the panel meeting or the review that
was the need to know, exactly one of them (the board manager opens the CDOP case a review links
to; the review is their need to know, not a meeting).

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

ONE_SOURCE = "(meeting_id IS NULL) <> (review_id IS NULL)"


def upgrade():
    # On SQLite the batch rebuilds the table (copy, drop, rename); on PostgreSQL it alters it.
    with op.batch_alter_table("break_glass_grant", schema=None) as batch_op:
        batch_op.alter_column("meeting_id", existing_type=sa.Uuid(), nullable=True)
        batch_op.add_column(sa.Column("review_id", sa.Uuid(), nullable=True))
        batch_op.create_foreign_key(batch_op.f("fk_break_glass_grant_review_id_scr_review"),
                                    "scr_review", ["review_id"], ["id"])
        batch_op.create_index(batch_op.f("ix_break_glass_grant_review_id"), ["review_id"],
                              unique=False)
        batch_op.create_check_constraint(batch_op.f("ck_break_glass_grant_one_source"),
                                         ONE_SOURCE)


def downgrade():
    # A grant from a review has no meeting to name: it cannot survive the older schema.
    op.execute("DELETE FROM break_glass_grant WHERE review_id IS NOT NULL")
    with op.batch_alter_table("break_glass_grant", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_break_glass_grant_one_source"), type_="check")
        batch_op.drop_index(batch_op.f("ix_break_glass_grant_review_id"))
        batch_op.drop_constraint(batch_op.f("fk_break_glass_grant_review_id_scr_review"),
                                 type_="foreignkey")
        batch_op.drop_column("review_id")
        batch_op.alter_column("meeting_id", existing_type=sa.Uuid(), nullable=False)
