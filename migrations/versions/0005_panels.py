"""Panel meetings, agendas, attendance, conflicts, the analysis, sign-offs, break-glass grants;
the coded factor themes, seeded here so the list can grow by later migrations.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22 04:18:18.716544

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

FACTOR_THEMES = [
    ("unsafe_sleeping", "Unsafe sleeping arrangement"),
    ("co_sleeping", "Co-sleeping"),
    ("smoking_in_pregnancy", "Smoking in pregnancy"),
    ("parental_smoking", "Parental smoking"),
    ("carer_substance_misuse", "Alcohol or substance misuse by carer"),
    ("domestic_abuse", "Domestic abuse"),
    ("parental_mental_health", "Parental mental health"),
    ("housing_overcrowding", "Housing or overcrowding"),
    ("access_to_services", "Access to services"),
    ("delay_in_seeking_care", "Delay in seeking care"),
    ("service_provision_shortfall", "Service provision shortfall"),
    ("road_safety", "Road safety"),
    ("water_safety", "Water safety"),
    ("fire_safety", "Fire safety"),
    ("supervision", "Supervision"),
    ("bullying", "Bullying"),
    ("self_harm_history", "Self-harm history"),
    ("other", "Other"),
]


def upgrade():
    factor_theme = op.create_table('factor_theme',
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('label', sa.String(length=120), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_factor_theme'))
    )
    op.create_table('panel_meeting',
    sa.Column('meets_on', sa.Date(), nullable=False),
    sa.Column('chair_id', sa.Uuid(), nullable=False),
    sa.Column('created_by_id', sa.Uuid(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['chair_id'], ['user.id'], name=op.f('fk_panel_meeting_chair_id_user')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_panel_meeting_created_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_panel_meeting'))
    )
    with op.batch_alter_table('panel_meeting', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_panel_meeting_chair_id'), ['chair_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_panel_meeting_meets_on'), ['meets_on'], unique=False)

    op.create_table('break_glass_grant',
    sa.Column('user_id', sa.Uuid(), nullable=False),
    sa.Column('case_id', sa.Uuid(), nullable=False),
    sa.Column('meeting_id', sa.Uuid(), nullable=False),
    sa.Column('granted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('reason', sa.LargeBinary(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['child_death_case.id'], name=op.f('fk_break_glass_grant_case_id_child_death_case')),
    sa.ForeignKeyConstraint(['meeting_id'], ['panel_meeting.id'], name=op.f('fk_break_glass_grant_meeting_id_panel_meeting')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_break_glass_grant_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_break_glass_grant'))
    )
    with op.batch_alter_table('break_glass_grant', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_break_glass_grant_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_break_glass_grant_granted_at'), ['granted_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_break_glass_grant_user_id'), ['user_id'], unique=False)

    op.create_table('panel_agenda_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Uuid(), nullable=False),
    sa.Column('case_id', sa.Uuid(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('pseudonym', sa.String(length=20), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['child_death_case.id'], name=op.f('fk_panel_agenda_item_case_id_child_death_case')),
    sa.ForeignKeyConstraint(['meeting_id'], ['panel_meeting.id'], name=op.f('fk_panel_agenda_item_meeting_id_panel_meeting'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_panel_agenda_item')),
    sa.UniqueConstraint('meeting_id', 'case_id', name='uq_panel_agenda_item_case'),
    sa.UniqueConstraint('meeting_id', 'pseudonym', name='uq_panel_agenda_item_pseudonym')
    )
    with op.batch_alter_table('panel_agenda_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_panel_agenda_item_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_panel_agenda_item_meeting_id'), ['meeting_id'], unique=False)

    op.create_table('panel_analysis',
    sa.Column('case_id', sa.Uuid(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('category', sa.SmallInteger(), nullable=True),
    sa.Column('event', sa.String(length=20), nullable=True),
    sa.Column('insufficient_information', sa.Boolean(), nullable=False),
    sa.Column('refer_for_scr', sa.Boolean(), nullable=True),
    sa.Column('override_outcome', sa.String(length=32), nullable=True),
    sa.Column('override_by_id', sa.Uuid(), nullable=True),
    sa.Column('meeting_id', sa.Uuid(), nullable=True),
    sa.Column('signed_off_by_id', sa.Uuid(), nullable=True),
    sa.Column('signed_off_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('review_completed_on', sa.Date(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('learning_points', sa.LargeBinary(), nullable=True),
    sa.Column('override_reason', sa.LargeBinary(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('category IS NULL OR category BETWEEN 1 AND 10', name=op.f('ck_panel_analysis_category')),
    sa.ForeignKeyConstraint(['case_id'], ['child_death_case.id'], name=op.f('fk_panel_analysis_case_id_child_death_case')),
    sa.ForeignKeyConstraint(['meeting_id'], ['panel_meeting.id'], name=op.f('fk_panel_analysis_meeting_id_panel_meeting')),
    sa.ForeignKeyConstraint(['override_by_id'], ['user.id'], name=op.f('fk_panel_analysis_override_by_id_user')),
    sa.ForeignKeyConstraint(['signed_off_by_id'], ['user.id'], name=op.f('fk_panel_analysis_signed_off_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_panel_analysis'))
    )
    with op.batch_alter_table('panel_analysis', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_panel_analysis_case_id'), ['case_id'], unique=True)
        batch_op.create_index(batch_op.f('ix_panel_analysis_status'), ['status'], unique=False)

    op.create_table('panel_conflict',
    sa.Column('meeting_id', sa.Uuid(), nullable=False),
    sa.Column('case_id', sa.Uuid(), nullable=False),
    sa.Column('user_id', sa.Uuid(), nullable=False),
    sa.Column('declared_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('details', sa.LargeBinary(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['child_death_case.id'], name=op.f('fk_panel_conflict_case_id_child_death_case')),
    sa.ForeignKeyConstraint(['meeting_id'], ['panel_meeting.id'], name=op.f('fk_panel_conflict_meeting_id_panel_meeting'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_panel_conflict_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_panel_conflict')),
    sa.UniqueConstraint('meeting_id', 'case_id', 'user_id', name=op.f('uq_panel_conflict_meeting_id'))
    )
    with op.batch_alter_table('panel_conflict', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_panel_conflict_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_panel_conflict_meeting_id'), ['meeting_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_panel_conflict_user_id'), ['user_id'], unique=False)

    op.create_table('panel_meeting_member',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Uuid(), nullable=False),
    sa.Column('user_id', sa.Uuid(), nullable=False),
    sa.Column('attended', sa.Boolean(), nullable=True),
    sa.ForeignKeyConstraint(['meeting_id'], ['panel_meeting.id'], name=op.f('fk_panel_meeting_member_meeting_id_panel_meeting'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_panel_meeting_member_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_panel_meeting_member')),
    sa.UniqueConstraint('meeting_id', 'user_id', name=op.f('uq_panel_meeting_member_meeting_id'))
    )
    with op.batch_alter_table('panel_meeting_member', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_panel_meeting_member_meeting_id'), ['meeting_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_panel_meeting_member_user_id'), ['user_id'], unique=False)

    op.create_table('panel_analysis_factor',
    sa.Column('analysis_id', sa.Uuid(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('domain', sa.String(length=16), nullable=False),
    sa.Column('grade', sa.SmallInteger(), nullable=False),
    sa.Column('modifiable', sa.Boolean(), nullable=False),
    sa.Column('theme_code', sa.String(length=40), nullable=False),
    sa.Column('description', sa.LargeBinary(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.CheckConstraint('grade BETWEEN 0 AND 2', name=op.f('ck_panel_analysis_factor_grade')),
    sa.ForeignKeyConstraint(['analysis_id'], ['panel_analysis.id'], name=op.f('fk_panel_analysis_factor_analysis_id_panel_analysis'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['theme_code'], ['factor_theme.code'], name=op.f('fk_panel_analysis_factor_theme_code_factor_theme')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_panel_analysis_factor'))
    )
    with op.batch_alter_table('panel_analysis_factor', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_panel_analysis_factor_analysis_id'), ['analysis_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_panel_analysis_factor_theme_code'), ['theme_code'], unique=False)

    op.create_table('panel_recommendation',
    sa.Column('analysis_id', sa.Uuid(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('owner_agency', sa.String(length=120), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('text', sa.LargeBinary(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['analysis_id'], ['panel_analysis.id'], name=op.f('fk_panel_recommendation_analysis_id_panel_analysis'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_panel_recommendation'))
    )
    with op.batch_alter_table('panel_recommendation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_panel_recommendation_analysis_id'), ['analysis_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_panel_recommendation_due_on'), ['due_on'], unique=False)

    op.create_table('panel_review_sign_off',
    sa.Column('analysis_id', sa.Uuid(), nullable=False),
    sa.Column('meeting_id', sa.Uuid(), nullable=False),
    sa.Column('signed_off_by_id', sa.Uuid(), nullable=False),
    sa.Column('signed_off_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('review_completed_on', sa.Date(), nullable=False),
    sa.Column('category', sa.SmallInteger(), nullable=False),
    sa.Column('modifiable', sa.String(length=32), nullable=False),
    sa.Column('event', sa.String(length=20), nullable=True),
    sa.Column('reopened_by_id', sa.Uuid(), nullable=True),
    sa.Column('reopened_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reopen_reason', sa.LargeBinary(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['analysis_id'], ['panel_analysis.id'], name=op.f('fk_panel_review_sign_off_analysis_id_panel_analysis'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['meeting_id'], ['panel_meeting.id'], name=op.f('fk_panel_review_sign_off_meeting_id_panel_meeting')),
    sa.ForeignKeyConstraint(['reopened_by_id'], ['user.id'], name=op.f('fk_panel_review_sign_off_reopened_by_id_user')),
    sa.ForeignKeyConstraint(['signed_off_by_id'], ['user.id'], name=op.f('fk_panel_review_sign_off_signed_off_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_panel_review_sign_off'))
    )
    with op.batch_alter_table('panel_review_sign_off', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_panel_review_sign_off_analysis_id'), ['analysis_id'], unique=False)


    op.bulk_insert(factor_theme, [
        {"code": code, "label": label, "position": position, "active": True}
        for position, (code, label) in enumerate(FACTOR_THEMES, start=1)
    ])


def downgrade():
    with op.batch_alter_table('panel_review_sign_off', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_panel_review_sign_off_analysis_id'))

    op.drop_table('panel_review_sign_off')
    with op.batch_alter_table('panel_recommendation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_panel_recommendation_due_on'))
        batch_op.drop_index(batch_op.f('ix_panel_recommendation_analysis_id'))

    op.drop_table('panel_recommendation')
    with op.batch_alter_table('panel_analysis_factor', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_panel_analysis_factor_theme_code'))
        batch_op.drop_index(batch_op.f('ix_panel_analysis_factor_analysis_id'))

    op.drop_table('panel_analysis_factor')
    with op.batch_alter_table('panel_meeting_member', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_panel_meeting_member_user_id'))
        batch_op.drop_index(batch_op.f('ix_panel_meeting_member_meeting_id'))

    op.drop_table('panel_meeting_member')
    with op.batch_alter_table('panel_conflict', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_panel_conflict_user_id'))
        batch_op.drop_index(batch_op.f('ix_panel_conflict_meeting_id'))
        batch_op.drop_index(batch_op.f('ix_panel_conflict_case_id'))

    op.drop_table('panel_conflict')
    with op.batch_alter_table('panel_analysis', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_panel_analysis_status'))
        batch_op.drop_index(batch_op.f('ix_panel_analysis_case_id'))

    op.drop_table('panel_analysis')
    with op.batch_alter_table('panel_agenda_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_panel_agenda_item_meeting_id'))
        batch_op.drop_index(batch_op.f('ix_panel_agenda_item_case_id'))

    op.drop_table('panel_agenda_item')
    with op.batch_alter_table('break_glass_grant', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_break_glass_grant_user_id'))
        batch_op.drop_index(batch_op.f('ix_break_glass_grant_granted_at'))
        batch_op.drop_index(batch_op.f('ix_break_glass_grant_case_id'))

    op.drop_table('break_glass_grant')
    with op.batch_alter_table('panel_meeting', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_panel_meeting_meets_on'))
        batch_op.drop_index(batch_op.f('ix_panel_meeting_chair_id'))

    op.drop_table('panel_meeting')
    op.drop_table('factor_theme')
