"""Feedback notes from the floor (服务反馈便签, issue 16).

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-04
"""
import sqlalchemy as sa
from alembic import op

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'feedback_notes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('author_id', sa.Integer(), nullable=False),
        sa.Column('team_id', sa.Integer(), nullable=True),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('outcome', sa.String(length=16), nullable=True),
        sa.Column('outcome_note', sa.Text(), nullable=False),
        sa.Column('warning_id', sa.Integer(), nullable=True),
        sa.Column('announcement_id', sa.Integer(), nullable=True),
        sa.Column('proposal_id', sa.Integer(), nullable=True),
        sa.Column('handled_by_id', sa.Integer(), nullable=True),
        sa.Column('handled_at', sa.DateTime(), nullable=True),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['author_id'], ['users.id'],
                                name='fk_feedback_notes_author_id_users'),
        sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name='fk_feedback_notes_team_id_teams'),
        sa.ForeignKeyConstraint(['warning_id'], ['warnings.id'],
                                name='fk_feedback_notes_warning_id_warnings'),
        sa.ForeignKeyConstraint(['announcement_id'], ['announcements.id'],
                                name='fk_feedback_notes_announcement_id_announcements'),
        sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'],
                                name='fk_feedback_notes_proposal_id_proposals'),
        sa.ForeignKeyConstraint(['handled_by_id'], ['users.id'],
                                name='fk_feedback_notes_handled_by_id_users'),
        sa.PrimaryKeyConstraint('id', name='pk_feedback_notes'),
    )
    op.create_index('ix_feedback_notes_day', 'feedback_notes', ['day', 'id'])
    op.create_index('ix_feedback_notes_author', 'feedback_notes', ['author_id', 'created_at'])


def downgrade():
    op.drop_index('ix_feedback_notes_author', table_name='feedback_notes')
    op.drop_index('ix_feedback_notes_day', table_name='feedback_notes')
    op.drop_table('feedback_notes')
