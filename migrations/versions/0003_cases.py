"""Child death cases, family members, agency report requests, case reference counters

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 04:15:58.023047

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('case_ref_counter',
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('last_number', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('year', name=op.f('pk_case_ref_counter'))
    )
    op.create_table('child_death_case',
    sa.Column('case_ref', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=32), nullable=False),
    sa.Column('sex', sa.String(length=16), nullable=False),
    sa.Column('ethnicity', sa.String(length=1), nullable=True),
    sa.Column('ethnicity_group', sa.String(length=16), nullable=False),
    sa.Column('local_authority', sa.String(length=100), nullable=True),
    sa.Column('resident', sa.Boolean(), nullable=False),
    sa.Column('place_type', sa.String(length=16), nullable=True),
    sa.Column('death_expectation', sa.String(length=16), nullable=False),
    sa.Column('age_in_days', sa.Integer(), nullable=False),
    sa.Column('age_band', sa.String(length=16), nullable=False),
    sa.Column('financial_year_of_death', sa.String(length=7), nullable=False),
    sa.Column('month_of_death', sa.Date(), nullable=False),
    sa.Column('notified_on', sa.Date(), nullable=False),
    sa.Column('criminal_proceedings', sa.Boolean(), nullable=True),
    sa.Column('scr_referred_on', sa.Date(), nullable=True),
    sa.Column('delay_reason', sa.String(length=40), nullable=True),
    sa.Column('withdrawal_reason', sa.String(length=20), nullable=True),
    sa.Column('transferred_to', sa.String(length=100), nullable=True),
    sa.Column('category', sa.SmallInteger(), nullable=True),
    sa.Column('modifiable', sa.String(length=32), nullable=True),
    sa.Column('event', sa.String(length=20), nullable=True),
    sa.Column('review_completed_on', sa.Date(), nullable=True),
    sa.Column('nhs_number_index', sa.String(length=64), nullable=True),
    sa.Column('surname_dob_index', sa.String(length=64), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('forename', sa.LargeBinary(), nullable=True),
    sa.Column('surname', sa.LargeBinary(), nullable=True),
    sa.Column('other_names', sa.LargeBinary(), nullable=True),
    sa.Column('nhs_number', sa.LargeBinary(), nullable=True),
    sa.Column('nhs_number_unavailable_reason', sa.LargeBinary(), nullable=True),
    sa.Column('date_of_birth', sa.LargeBinary(), nullable=True),
    sa.Column('address', sa.LargeBinary(), nullable=True),
    sa.Column('postcode', sa.LargeBinary(), nullable=True),
    sa.Column('gp_practice', sa.LargeBinary(), nullable=True),
    sa.Column('school', sa.LargeBinary(), nullable=True),
    sa.Column('date_of_death', sa.LargeBinary(), nullable=True),
    sa.Column('time_of_death', sa.LargeBinary(), nullable=True),
    sa.Column('place_of_death_name', sa.LargeBinary(), nullable=True),
    sa.Column('circumstances', sa.LargeBinary(), nullable=True),
    sa.Column('notifier_name', sa.LargeBinary(), nullable=True),
    sa.Column('notifier_role', sa.LargeBinary(), nullable=True),
    sa.Column('notifier_agency', sa.LargeBinary(), nullable=True),
    sa.Column('notifier_contact', sa.LargeBinary(), nullable=True),
    sa.Column('jar_meeting_on', sa.LargeBinary(), nullable=True),
    sa.Column('post_mortem_on', sa.LargeBinary(), nullable=True),
    sa.Column('review_meeting_on', sa.LargeBinary(), nullable=True),
    sa.Column('inquest_opened_on', sa.LargeBinary(), nullable=True),
    sa.Column('inquest_concluded_on', sa.LargeBinary(), nullable=True),
    sa.Column('criminal_proceedings_concluded_on', sa.LargeBinary(), nullable=True),
    sa.Column('delay_other_text', sa.LargeBinary(), nullable=True),
    sa.Column('withdrawal_reason_text', sa.LargeBinary(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('age_in_days IS NULL OR age_in_days >= 0', name=op.f('ck_child_death_case_age_in_days')),
    sa.CheckConstraint('category IS NULL OR category BETWEEN 1 AND 10', name=op.f('ck_child_death_case_category')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_child_death_case')),
    sa.UniqueConstraint('case_ref', name=op.f('uq_child_death_case_case_ref'))
    )
    with op.batch_alter_table('child_death_case', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_child_death_case_age_band'), ['age_band'], unique=False)
        batch_op.create_index(batch_op.f('ix_child_death_case_category'), ['category'], unique=False)
        batch_op.create_index(batch_op.f('ix_child_death_case_death_expectation'), ['death_expectation'], unique=False)
        batch_op.create_index(batch_op.f('ix_child_death_case_ethnicity_group'), ['ethnicity_group'], unique=False)
        batch_op.create_index(batch_op.f('ix_child_death_case_financial_year_of_death'), ['financial_year_of_death'], unique=False)
        batch_op.create_index(batch_op.f('ix_child_death_case_modifiable'), ['modifiable'], unique=False)
        batch_op.create_index(batch_op.f('ix_child_death_case_month_of_death'), ['month_of_death'], unique=False)
        batch_op.create_index(batch_op.f('ix_child_death_case_nhs_number_index'), ['nhs_number_index'], unique=False)
        batch_op.create_index(batch_op.f('ix_child_death_case_notified_on'), ['notified_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_child_death_case_review_completed_on'), ['review_completed_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_child_death_case_sex'), ['sex'], unique=False)
        batch_op.create_index(batch_op.f('ix_child_death_case_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_child_death_case_surname_dob_index'), ['surname_dob_index'], unique=False)

    op.create_table('agency_report_request',
    sa.Column('case_id', sa.Uuid(), nullable=False),
    sa.Column('agency_type', sa.String(length=32), nullable=False),
    sa.Column('requested_on', sa.Date(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=True),
    sa.Column('contact_name', sa.LargeBinary(), nullable=True),
    sa.Column('contact_email', sa.LargeBinary(), nullable=True),
    sa.Column('summary', sa.LargeBinary(), nullable=True),
    sa.Column('key_facts', sa.LargeBinary(), nullable=True),
    sa.Column('waive_reason', sa.LargeBinary(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['child_death_case.id'], name=op.f('fk_agency_report_request_case_id_child_death_case'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agency_report_request'))
    )
    with op.batch_alter_table('agency_report_request', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agency_report_request_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_agency_report_request_due_on'), ['due_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_agency_report_request_status'), ['status'], unique=False)

    op.create_table('family_member',
    sa.Column('case_id', sa.Uuid(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('relation', sa.String(length=20), nullable=False),
    sa.Column('name', sa.LargeBinary(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['child_death_case.id'], name=op.f('fk_family_member_case_id_child_death_case'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_family_member'))
    )
    with op.batch_alter_table('family_member', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_family_member_case_id'), ['case_id'], unique=False)



def downgrade():
    with op.batch_alter_table('family_member', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_family_member_case_id'))

    op.drop_table('family_member')
    with op.batch_alter_table('agency_report_request', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agency_report_request_status'))
        batch_op.drop_index(batch_op.f('ix_agency_report_request_due_on'))
        batch_op.drop_index(batch_op.f('ix_agency_report_request_case_id'))

    op.drop_table('agency_report_request')
    with op.batch_alter_table('child_death_case', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_child_death_case_surname_dob_index'))
        batch_op.drop_index(batch_op.f('ix_child_death_case_status'))
        batch_op.drop_index(batch_op.f('ix_child_death_case_sex'))
        batch_op.drop_index(batch_op.f('ix_child_death_case_review_completed_on'))
        batch_op.drop_index(batch_op.f('ix_child_death_case_notified_on'))
        batch_op.drop_index(batch_op.f('ix_child_death_case_nhs_number_index'))
        batch_op.drop_index(batch_op.f('ix_child_death_case_month_of_death'))
        batch_op.drop_index(batch_op.f('ix_child_death_case_modifiable'))
        batch_op.drop_index(batch_op.f('ix_child_death_case_financial_year_of_death'))
        batch_op.drop_index(batch_op.f('ix_child_death_case_ethnicity_group'))
        batch_op.drop_index(batch_op.f('ix_child_death_case_death_expectation'))
        batch_op.drop_index(batch_op.f('ix_child_death_case_category'))
        batch_op.drop_index(batch_op.f('ix_child_death_case_age_band'))

    op.drop_table('child_death_case')
    op.drop_table('case_ref_counter')
