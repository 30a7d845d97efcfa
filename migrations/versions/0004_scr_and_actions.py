"""Serious case reviews and LCSPRs, their agencies and meetings; action plans with
recommendations, actions, evidence and challenges; encrypted documents.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 04:18:52.990459

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('action_plan',
    sa.Column('source_type', sa.String(length=20), nullable=False),
    sa.Column('source_id', sa.Uuid(), nullable=False),
    sa.Column('source_reference', sa.String(length=40), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_action_plan')),
    sa.UniqueConstraint('source_type', 'source_id', name=op.f('uq_action_plan_source_type'))
    )
    op.create_table('document_content',
    sa.Column('data', sa.LargeBinary(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_document_content'))
    )
    op.create_table('document',
    sa.Column('owner_type', sa.String(length=20), nullable=False),
    sa.Column('owner_id', sa.Uuid(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('content_id', sa.Uuid(), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size_bytes', sa.Integer(), nullable=False),
    sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('uploaded_by_id', sa.Uuid(), nullable=True),
    sa.Column('filename', sa.LargeBinary(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['content_id'], ['document_content.id'], name=op.f('fk_document_content_id_document_content')),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['user.id'], name=op.f('fk_document_uploaded_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_document'))
    )
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_document_owner_id'), ['owner_id'], unique=False)

    op.create_table('recommendation',
    sa.Column('plan_id', sa.Uuid(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('text', sa.LargeBinary(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['plan_id'], ['action_plan.id'], name=op.f('fk_recommendation_plan_id_action_plan'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recommendation')),
    sa.UniqueConstraint('plan_id', 'number', name=op.f('uq_recommendation_plan_id'))
    )
    with op.batch_alter_table('recommendation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recommendation_plan_id'), ['plan_id'], unique=False)

    op.create_table('scr_review',
    sa.Column('reference', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=32), nullable=False),
    sa.Column('framework', sa.String(length=8), nullable=False),
    sa.Column('looked_after', sa.Boolean(), nullable=True),
    sa.Column('incident_type', sa.String(length=16), nullable=False),
    sa.Column('la_learned_on', sa.Date(), nullable=True),
    sa.Column('referred_on', sa.Date(), nullable=False),
    sa.Column('notified_on', sa.Date(), nullable=True),
    sa.Column('rapid_review_on', sa.Date(), nullable=True),
    sa.Column('decision_outcome', sa.String(length=24), nullable=True),
    sa.Column('decided_on', sa.Date(), nullable=True),
    sa.Column('decided_by', sa.String(length=200), nullable=True),
    sa.Column('reviewer_name', sa.String(length=200), nullable=True),
    sa.Column('methodology', sa.String(length=16), nullable=True),
    sa.Column('report_received_on', sa.Date(), nullable=True),
    sa.Column('approved_on', sa.Date(), nullable=True),
    sa.Column('published_on', sa.Date(), nullable=True),
    sa.Column('deferral_reason', sa.String(length=32), nullable=True),
    sa.Column('deferral_review_on', sa.Date(), nullable=True),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.Column('cdop_case_id', sa.Uuid(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('child_name', sa.LargeBinary(), nullable=True),
    sa.Column('child_date_of_birth', sa.LargeBinary(), nullable=True),
    sa.Column('child_nhs_number', sa.LargeBinary(), nullable=True),
    sa.Column('incident_on', sa.LargeBinary(), nullable=True),
    sa.Column('incident_summary', sa.LargeBinary(), nullable=True),
    sa.Column('decision_rationale', sa.LargeBinary(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['cdop_case_id'], ['child_death_case.id'], name=op.f('fk_scr_review_cdop_case_id_child_death_case')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scr_review')),
    sa.UniqueConstraint('cdop_case_id', name=op.f('uq_scr_review_cdop_case_id')),
    sa.UniqueConstraint('reference', name=op.f('uq_scr_review_reference'))
    )
    with op.batch_alter_table('scr_review', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_scr_review_incident_type'), ['incident_type'], unique=False)
        batch_op.create_index(batch_op.f('ix_scr_review_status'), ['status'], unique=False)

    op.create_table('action',
    sa.Column('recommendation_id', sa.Uuid(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('agency_name', sa.String(length=200), nullable=False),
    sa.Column('agency_type', sa.String(length=32), nullable=False),
    sa.Column('owner_name', sa.String(length=200), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=24), nullable=False),
    sa.Column('completed_on', sa.Date(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('description', sa.LargeBinary(), nullable=True),
    sa.Column('expected_evidence', sa.LargeBinary(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['recommendation_id'], ['recommendation.id'], name=op.f('fk_action_recommendation_id_recommendation'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_action')),
    sa.UniqueConstraint('recommendation_id', 'number', name=op.f('uq_action_recommendation_id'))
    )
    with op.batch_alter_table('action', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_action_agency_name'), ['agency_name'], unique=False)
        batch_op.create_index(batch_op.f('ix_action_due_on'), ['due_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_action_recommendation_id'), ['recommendation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_action_status'), ['status'], unique=False)

    op.create_table('scr_review_agency',
    sa.Column('review_id', sa.Uuid(), nullable=False),
    sa.Column('agency_name', sa.String(length=200), nullable=False),
    sa.Column('agency_type', sa.String(length=32), nullable=False),
    sa.Column('imr_requested_on', sa.Date(), nullable=True),
    sa.Column('imr_received_on', sa.Date(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['review_id'], ['scr_review.id'], name=op.f('fk_scr_review_agency_review_id_scr_review'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scr_review_agency'))
    )
    with op.batch_alter_table('scr_review_agency', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_scr_review_agency_review_id'), ['review_id'], unique=False)

    op.create_table('scr_review_meeting',
    sa.Column('review_id', sa.Uuid(), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('notes', sa.LargeBinary(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['review_id'], ['scr_review.id'], name=op.f('fk_scr_review_meeting_review_id_scr_review'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scr_review_meeting'))
    )
    with op.batch_alter_table('scr_review_meeting', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_scr_review_meeting_review_id'), ['review_id'], unique=False)

    op.create_table('action_challenge',
    sa.Column('action_id', sa.Uuid(), nullable=False),
    sa.Column('challenged_on', sa.Date(), nullable=False),
    sa.Column('recorded_by_id', sa.Uuid(), nullable=True),
    sa.Column('responded_on', sa.Date(), nullable=True),
    sa.Column('asked', sa.LargeBinary(), nullable=True),
    sa.Column('response', sa.LargeBinary(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['action_id'], ['action.id'], name=op.f('fk_action_challenge_action_id_action'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user.id'], name=op.f('fk_action_challenge_recorded_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_action_challenge'))
    )
    with op.batch_alter_table('action_challenge', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_action_challenge_action_id'), ['action_id'], unique=False)

    op.create_table('action_evidence',
    sa.Column('action_id', sa.Uuid(), nullable=False),
    sa.Column('submitted_on', sa.Date(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('submitted_by_id', sa.Uuid(), nullable=True),
    sa.Column('document_id', sa.Uuid(), nullable=True),
    sa.Column('outcome', sa.String(length=16), nullable=True),
    sa.Column('decided_on', sa.Date(), nullable=True),
    sa.Column('decided_by_id', sa.Uuid(), nullable=True),
    sa.Column('note', sa.LargeBinary(), nullable=True),
    sa.Column('reason', sa.LargeBinary(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['action_id'], ['action.id'], name=op.f('fk_action_evidence_action_id_action'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user.id'], name=op.f('fk_action_evidence_decided_by_id_user')),
    sa.ForeignKeyConstraint(['document_id'], ['document.id'], name=op.f('fk_action_evidence_document_id_document')),
    sa.ForeignKeyConstraint(['submitted_by_id'], ['user.id'], name=op.f('fk_action_evidence_submitted_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_action_evidence'))
    )
    with op.batch_alter_table('action_evidence', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_action_evidence_action_id'), ['action_id'], unique=False)



def downgrade():
    with op.batch_alter_table('action_evidence', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_action_evidence_action_id'))

    op.drop_table('action_evidence')
    with op.batch_alter_table('action_challenge', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_action_challenge_action_id'))

    op.drop_table('action_challenge')
    with op.batch_alter_table('scr_review_meeting', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_scr_review_meeting_review_id'))

    op.drop_table('scr_review_meeting')
    with op.batch_alter_table('scr_review_agency', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_scr_review_agency_review_id'))

    op.drop_table('scr_review_agency')
    with op.batch_alter_table('action', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_action_status'))
        batch_op.drop_index(batch_op.f('ix_action_recommendation_id'))
        batch_op.drop_index(batch_op.f('ix_action_due_on'))
        batch_op.drop_index(batch_op.f('ix_action_agency_name'))

    op.drop_table('action')
    with op.batch_alter_table('scr_review', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_scr_review_status'))
        batch_op.drop_index(batch_op.f('ix_scr_review_incident_type'))

    op.drop_table('scr_review')
    with op.batch_alter_table('recommendation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_recommendation_plan_id'))

    op.drop_table('recommendation')
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_document_owner_id'))

    op.drop_table('document')
    op.drop_table('document_content')
    op.drop_table('action_plan')
