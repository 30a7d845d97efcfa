"""Learning summaries: anonymised stories, their redactions, approval, hold and publication.

Revision ID: 0007
Revises: 0006
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('learning_summary',
    sa.Column('source_kind', sa.String(length=16), nullable=False),
    sa.Column('case_id', sa.Uuid(), nullable=True),
    sa.Column('review_id', sa.Uuid(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('theme_codes', sa.JSON(), nullable=False),
    sa.Column('redactions', sa.JSON(), nullable=False),
    sa.Column('author_id', sa.Uuid(), nullable=False),
    sa.Column('last_edited_by_id', sa.Uuid(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('approved_by_id', sa.Uuid(), nullable=True),
    sa.Column('approved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('published_by_id', sa.Uuid(), nullable=True),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('published_year', sa.Integer(), nullable=True),
    sa.Column('hold_reason', sa.String(length=24), nullable=True),
    sa.Column('hold_review_on', sa.Date(), nullable=True),
    sa.Column('status_before_hold', sa.String(length=20), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('pseudonym', sa.LargeBinary(), nullable=True),
    sa.Column('title', sa.LargeBinary(), nullable=True),
    sa.Column('introduction', sa.LargeBinary(), nullable=True),
    sa.Column('what_happened', sa.LargeBinary(), nullable=True),
    sa.Column('what_agencies_knew', sa.LargeBinary(), nullable=True),
    sa.Column('key_learning', sa.LargeBinary(), nullable=True),
    sa.Column('recommendations', sa.LargeBinary(), nullable=True),
    sa.Column('hold_details', sa.LargeBinary(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['approved_by_id'], ['user.id'],
                            name=op.f('fk_learning_summary_approved_by_id_user')),
    sa.ForeignKeyConstraint(['author_id'], ['user.id'],
                            name=op.f('fk_learning_summary_author_id_user')),
    sa.ForeignKeyConstraint(['case_id'], ['child_death_case.id'],
                            name=op.f('fk_learning_summary_case_id_child_death_case')),
    sa.ForeignKeyConstraint(['last_edited_by_id'], ['user.id'],
                            name=op.f('fk_learning_summary_last_edited_by_id_user')),
    sa.ForeignKeyConstraint(['published_by_id'], ['user.id'],
                            name=op.f('fk_learning_summary_published_by_id_user')),
    sa.ForeignKeyConstraint(['review_id'], ['scr_review.id'],
                            name=op.f('fk_learning_summary_review_id_scr_review')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_learning_summary'))
    )
    with op.batch_alter_table('learning_summary', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_learning_summary_author_id'), ['author_id'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_learning_summary_case_id'), ['case_id'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_learning_summary_published_year'), ['published_year'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_learning_summary_review_id'), ['review_id'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_learning_summary_status'), ['status'],
                              unique=False)



def downgrade():
    with op.batch_alter_table('learning_summary', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_learning_summary_status'))
        batch_op.drop_index(batch_op.f('ix_learning_summary_review_id'))
        batch_op.drop_index(batch_op.f('ix_learning_summary_published_year'))
        batch_op.drop_index(batch_op.f('ix_learning_summary_case_id'))
        batch_op.drop_index(batch_op.f('ix_learning_summary_author_id'))

    op.drop_table('learning_summary')
