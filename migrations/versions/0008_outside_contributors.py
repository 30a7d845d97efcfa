"""Outside contributors: public notifications, the public rate limit, agency report links.

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "public_notification",
        sa.Column("reference", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("submitted_on", sa.Date(), nullable=False),
        sa.Column("copy_token_hash", sa.String(length=64), nullable=True),
        sa.Column("copy_expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by_id", sa.Uuid(), nullable=True),
        sa.Column("case_id", sa.Uuid(), nullable=True),
        sa.Column("content", sa.LargeBinary(), nullable=True),
        sa.Column("reject_reason", sa.LargeBinary(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["child_death_case.id"],
                                name=op.f("fk_public_notification_case_id_child_death_case"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["decided_by_id"], ["user.id"],
                                name=op.f("fk_public_notification_decided_by_id_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_public_notification")),
        sa.UniqueConstraint("copy_token_hash", name=op.f("uq_public_notification_copy_token_hash")),
        sa.UniqueConstraint("reference", name=op.f("uq_public_notification_reference")),
    )
    with op.batch_alter_table("public_notification", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_public_notification_case_id"), ["case_id"],
                              unique=False)
        batch_op.create_index(batch_op.f("ix_public_notification_status"), ["status"],
                              unique=False)

    op.create_table(
        "public_submission",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("address_key", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_public_submission")),
    )
    with op.batch_alter_table("public_submission", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_public_submission_address_key"), ["address_key"],
                              unique=False)
        batch_op.create_index(batch_op.f("ix_public_submission_at"), ["at"], unique=False)

    op.create_table(
        "agency_report_link",
        sa.Column("request_id", sa.Uuid(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Uuid(), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_opened_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("draft", sa.LargeBinary(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["created_by_id"], ["user.id"],
                                name=op.f("fk_agency_report_link_created_by_id_user")),
        sa.ForeignKeyConstraint(
            ["request_id"], ["agency_report_request.id"],
            name=op.f("fk_agency_report_link_request_id_agency_report_request"),
            ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agency_report_link")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_agency_report_link_token_hash")),
    )
    with op.batch_alter_table("agency_report_link", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_agency_report_link_request_id"), ["request_id"],
                              unique=False)


def downgrade():
    with op.batch_alter_table("agency_report_link", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agency_report_link_request_id"))
    op.drop_table("agency_report_link")
    with op.batch_alter_table("public_submission", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_public_submission_at"))
        batch_op.drop_index(batch_op.f("ix_public_submission_address_key"))
    op.drop_table("public_submission")
    with op.batch_alter_table("public_notification", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_public_notification_status"))
        batch_op.drop_index(batch_op.f("ix_public_notification_case_id"))
    op.drop_table("public_notification")
