"""Time from death to completed review, banded at sign-off so reports never decrypt; and the
link from a panel recommendation to the action it became in the shared action tracker.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("child_death_case", schema=None) as batch_op:
        batch_op.add_column(sa.Column("time_to_review", sa.String(length=16), nullable=True))
        batch_op.create_index(batch_op.f("ix_child_death_case_time_to_review"),
                              ["time_to_review"], unique=False)
    with op.batch_alter_table("panel_recommendation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("action_id", sa.Uuid(), nullable=True))
        batch_op.create_index(batch_op.f("ix_panel_recommendation_action_id"), ["action_id"],
                              unique=False)
        batch_op.create_foreign_key(batch_op.f("fk_panel_recommendation_action_id_action"),
                                    "action", ["action_id"], ["id"], ondelete="SET NULL")


def downgrade():
    with op.batch_alter_table("panel_recommendation", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_panel_recommendation_action_id_action"),
                                 type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_panel_recommendation_action_id"))
        batch_op.drop_column("action_id")
    with op.batch_alter_table("child_death_case", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_child_death_case_time_to_review"))
        batch_op.drop_column("time_to_review")
