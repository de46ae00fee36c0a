"""The callers' published rankings, the monthly analysis's findings and the training records
of the callback cycle (issue 17).

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-05
"""
import sqlalchemy as sa
from alembic import op

revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'ranking_publications',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('month', sa.Date(), nullable=False),
        sa.Column('rows', sa.Text(), nullable=False),
        sa.Column('published_by_id', sa.Integer(), nullable=False),
        sa.Column('published_at', sa.DateTime(), nullable=False),
        sa.Column('announcement_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['published_by_id'], ['users.id'],
                                name='fk_ranking_publications_published_by_id_users'),
        sa.ForeignKeyConstraint(['announcement_id'], ['announcements.id'],
                                name='fk_ranking_publications_announcement_id_announcements'),
        sa.PrimaryKeyConstraint('id', name='pk_ranking_publications'),
    )
    op.create_index('ix_ranking_publications_month', 'ranking_publications', ['month'])
    op.create_table(
        'monthly_findings',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('month', sa.Date(), nullable=False),
        sa.Column('kind', sa.String(length=10), nullable=False),
        sa.Column('key', sa.String(length=64), nullable=False),
        sa.Column('figures', sa.Text(), nullable=False),
        sa.Column('root_cause', sa.Text(), nullable=False),
        sa.Column('action', sa.Text(), nullable=False),
        sa.Column('recorded_by_id', sa.Integer(), nullable=False),
        sa.Column('recorded_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'],
                                name='fk_monthly_findings_recorded_by_id_users'),
        sa.PrimaryKeyConstraint('id', name='pk_monthly_findings'),
        sa.UniqueConstraint('month', 'kind', 'key', name='uq_monthly_findings_month_kind_key'),
    )
    op.create_table(
        'training_records',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('category_id', sa.Integer(), nullable=False),
        sa.Column('topic', sa.String(length=120), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('attendees', sa.Text(), nullable=False),
        sa.Column('attendee_count', sa.Integer(), nullable=False),
        sa.Column('recorded_by_id', sa.Integer(), nullable=False),
        sa.Column('recorded_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['category_id'], ['survey_categories.id'],
                                name='fk_training_records_category_id_survey_categories'),
        sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'],
                                name='fk_training_records_recorded_by_id_users'),
        sa.PrimaryKeyConstraint('id', name='pk_training_records'),
    )
    op.create_index('ix_training_records_category', 'training_records', ['category_id', 'day'])


def downgrade():
    op.drop_index('ix_training_records_category', table_name='training_records')
    op.drop_table('training_records')
    op.drop_table('monthly_findings')
    op.drop_index('ix_ranking_publications_month', table_name='ranking_publications')
    op.drop_table('ranking_publications')
