"""Proposals sent up to the group head and the site head (建议上报, issue 16).

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-04
"""
import sqlalchemy as sa
from alembic import op

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'proposals',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('title', sa.String(length=120), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('source', sa.String(length=12), nullable=False),
        sa.Column('source_key', sa.String(length=64), nullable=False),
        sa.Column('period_start', sa.Date(), nullable=True),
        sa.Column('period_end', sa.Date(), nullable=True),
        sa.Column('figures', sa.Text(), nullable=False),
        sa.Column('warning_id', sa.Integer(), nullable=True),
        sa.Column('state', sa.String(length=16), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['warning_id'], ['warnings.id'],
                                name='fk_proposals_warning_id_warnings'),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'],
                                name='fk_proposals_created_by_id_users'),
        sa.PrimaryKeyConstraint('id', name='pk_proposals'),
    )
    op.create_index('ix_proposals_state_created', 'proposals', ['state', 'created_at'])
    op.create_table(
        'proposal_tickets',
        sa.Column('proposal_id', sa.Integer(), nullable=False),
        sa.Column('ticket_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'],
                                name='fk_proposal_tickets_proposal_id_proposals'),
        sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'],
                                name='fk_proposal_tickets_ticket_id_tickets'),
        sa.PrimaryKeyConstraint('proposal_id', 'ticket_id', name='pk_proposal_tickets'),
    )
    op.create_index('ix_proposal_tickets_ticket_id', 'proposal_tickets', ['ticket_id'])
    op.create_table(
        'proposal_reviews',
        sa.Column('proposal_id', sa.Integer(), nullable=False),
        sa.Column('role', sa.String(length=20), nullable=False),
        sa.Column('acknowledged_by_id', sa.Integer(), nullable=True),
        sa.Column('acknowledged_at', sa.DateTime(), nullable=True),
        sa.Column('decision', sa.String(length=12), nullable=True),
        sa.Column('decision_note', sa.Text(), nullable=False),
        sa.Column('decided_by_id', sa.Integer(), nullable=True),
        sa.Column('decided_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'],
                                name='fk_proposal_reviews_proposal_id_proposals'),
        sa.ForeignKeyConstraint(['acknowledged_by_id'], ['users.id'],
                                name='fk_proposal_reviews_acknowledged_by_id_users'),
        sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'],
                                name='fk_proposal_reviews_decided_by_id_users'),
        sa.PrimaryKeyConstraint('proposal_id', 'role', name='pk_proposal_reviews'),
    )


def downgrade():
    op.drop_table('proposal_reviews')
    op.drop_index('ix_proposal_tickets_ticket_id', table_name='proposal_tickets')
    op.drop_table('proposal_tickets')
    op.drop_index('ix_proposals_state_created', table_name='proposals')
    op.drop_table('proposals')
