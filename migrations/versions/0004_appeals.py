"""Appeals, panels and vote tallies; the verdict in force on the ticket.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23
"""
import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'appeals',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('ticket_id', sa.Integer(), nullable=False),
        sa.Column('appellant_id', sa.Integer(), nullable=False),
        sa.Column('filed_at', sa.DateTime(), nullable=False),
        sa.Column('objection', sa.Text(), nullable=False),
        sa.Column('rejudged_by_id', sa.Integer(), nullable=True),
        sa.Column('rejudged_at', sa.DateTime(), nullable=True),
        sa.Column('decision', sa.String(length=12), nullable=True),
        sa.Column('decision_reason', sa.Text(), nullable=False),
        sa.Column('vote_opened_at', sa.DateTime(), nullable=True),
        sa.Column('vote_deadline', sa.DateTime(), nullable=True),
        sa.Column('vote_closed_at', sa.DateTime(), nullable=True),
        sa.Column('established_count', sa.Integer(), nullable=True),
        sa.Column('not_established_count', sa.Integer(), nullable=True),
        sa.Column('ruled_by_id', sa.Integer(), nullable=True),
        sa.Column('ruled_at', sa.DateTime(), nullable=True),
        sa.Column('ruling_reason', sa.Text(), nullable=False),
        sa.Column('outcome', sa.String(length=20), nullable=True),
        sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name='fk_appeals_ticket_id_tickets'),
        sa.ForeignKeyConstraint(['appellant_id'], ['users.id'], name='fk_appeals_appellant_id_users'),
        sa.ForeignKeyConstraint(['rejudged_by_id'], ['users.id'],
                                name='fk_appeals_rejudged_by_id_users'),
        sa.ForeignKeyConstraint(['ruled_by_id'], ['users.id'], name='fk_appeals_ruled_by_id_users'),
        sa.PrimaryKeyConstraint('id', name='pk_appeals'),
        sa.UniqueConstraint('ticket_id', name='uq_appeals_ticket_id'),
    )
    op.create_index('ix_appeals_vote_deadline', 'appeals', ['vote_closed_at', 'vote_deadline'])
    op.create_table(
        'panel_members',
        sa.Column('appeal_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('side', sa.String(length=12), nullable=False),
        sa.Column('named_by_id', sa.Integer(), nullable=False),
        sa.Column('submitted', sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(['appeal_id'], ['appeals.id'],
                                name='fk_panel_members_appeal_id_appeals'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name='fk_panel_members_user_id_users'),
        sa.ForeignKeyConstraint(['named_by_id'], ['users.id'],
                                name='fk_panel_members_named_by_id_users'),
        sa.PrimaryKeyConstraint('appeal_id', 'user_id', name='pk_panel_members'),
    )
    op.create_index('ix_panel_members_user_id', 'panel_members', ['user_id'])
    op.create_table(
        'vote_tallies',
        sa.Column('appeal_id', sa.Integer(), nullable=False),
        sa.Column('established', sa.Integer(), nullable=False),
        sa.Column('not_established', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['appeal_id'], ['appeals.id'],
                                name='fk_vote_tallies_appeal_id_appeals'),
        sa.PrimaryKeyConstraint('appeal_id', name='pk_vote_tallies'),
    )
    op.add_column('tickets', sa.Column('verdict', sa.String(length=20), nullable=True))
    # Tickets judged before this revision: the verdict in force is the checker's.
    op.execute("UPDATE tickets SET verdict = (SELECT verdict FROM judgements "
               "WHERE judgements.ticket_id = tickets.id)")


def downgrade():
    with op.batch_alter_table('tickets') as batch_op:
        batch_op.drop_column('verdict')
    op.drop_table('vote_tallies')
    op.drop_index('ix_panel_members_user_id', table_name='panel_members')
    op.drop_table('panel_members')
    op.drop_index('ix_appeals_vote_deadline', table_name='appeals')
    op.drop_table('appeals')
