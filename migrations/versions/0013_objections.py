"""Objection requests (异议申请): the accused agent asks the appeal chain to file the sheet.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04
"""
import sqlalchemy as sa
from alembic import op

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'objections',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('ticket_id', sa.Integer(), nullable=False),
        sa.Column('agent_id', sa.Integer(), nullable=False),
        sa.Column('level', sa.String(length=16), nullable=False),
        sa.Column('points', sa.Text(), nullable=False),
        sa.Column('raised_at', sa.DateTime(), nullable=False),
        sa.Column('status', sa.String(length=12), nullable=False),
        sa.Column('decided_by_id', sa.Integer(), nullable=True),
        sa.Column('decided_at', sa.DateTime(), nullable=True),
        sa.Column('decline_reason', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'],
                                name='fk_objections_ticket_id_tickets'),
        sa.ForeignKeyConstraint(['agent_id'], ['users.id'], name='fk_objections_agent_id_users'),
        sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'],
                                name='fk_objections_decided_by_id_users'),
        sa.PrimaryKeyConstraint('id', name='pk_objections'),
        sa.UniqueConstraint('ticket_id', 'level', name='uq_objections_ticket_id'),
    )
    op.create_index('ix_objections_ticket_id', 'objections', ['ticket_id'])
    op.create_index('ix_objections_status', 'objections', ['status'])


def downgrade():
    op.drop_index('ix_objections_status', table_name='objections')
    op.drop_index('ix_objections_ticket_id', table_name='objections')
    op.drop_table('objections')
