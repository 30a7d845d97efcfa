"""Time from death to completed review, banded at sign-off so reports never decrypt.

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


def downgrade():
    with op.batch_alter_table("child_death_case", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_child_death_case_time_to_review"))
        batch_op.drop_column("time_to_review")
