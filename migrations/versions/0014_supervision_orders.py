"""Supervision orders (督办单, issue 16); alerts may point at a record other than a ticket.

An order points at a ticket now and may point at a dissatisfied contact later (the callback
cycle's issues involving another department), so both links are nullable.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-04
"""
import sqlalchemy as sa
from alembic import op

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'supervision_orders',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('ticket_id', sa.Integer(), nullable=True),
        sa.Column('contact_id', sa.Integer(), nullable=True),
        sa.Column('request', sa.Text(), nullable=False),
        sa.Column('due_at', sa.DateTime(), nullable=False),
        sa.Column('recipient_id', sa.Integer(), nullable=True),
        sa.Column('department', sa.String(length=80), nullable=False),
        sa.Column('department_contact', sa.String(length=80), nullable=False),
        sa.Column('state', sa.String(length=12), nullable=False),
        sa.Column('answer', sa.Text(), nullable=False),
        sa.Column('answered_by_id', sa.Integer(), nullable=True),
        sa.Column('answered_at', sa.DateTime(), nullable=True),
        sa.Column('issued_by_id', sa.Integer(), nullable=False),
        sa.Column('issued_at', sa.DateTime(), nullable=False),
        sa.Column('overdue_alerted_at', sa.DateTime(), nullable=True),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'],
                                name='fk_supervision_orders_ticket_id_tickets'),
        sa.ForeignKeyConstraint(['contact_id'], ['survey_contacts.id'],
                                name='fk_supervision_orders_contact_id_survey_contacts'),
        sa.ForeignKeyConstraint(['recipient_id'], ['users.id'],
                                name='fk_supervision_orders_recipient_id_users'),
        sa.ForeignKeyConstraint(['answered_by_id'], ['users.id'],
                                name='fk_supervision_orders_answered_by_id_users'),
        sa.ForeignKeyConstraint(['issued_by_id'], ['users.id'],
                                name='fk_supervision_orders_issued_by_id_users'),
        sa.PrimaryKeyConstraint('id', name='pk_supervision_orders'),
        sa.CheckConstraint("state IN ('open', 'answered', 'no_answer')",
                           name='ck_supervision_orders_state'),
        sa.CheckConstraint("recipient_id IS NOT NULL OR department <> ''",
                           name='ck_supervision_orders_addressee'),
    )
    op.create_index('ix_supervision_orders_state_due', 'supervision_orders',
                    ['state', 'due_at'])
    op.create_index('ix_supervision_orders_recipient', 'supervision_orders',
                    ['recipient_id', 'state'])
    op.create_index('ix_supervision_orders_ticket', 'supervision_orders', ['ticket_id'])
    with op.batch_alter_table('alerts') as batch:
        batch.add_column(sa.Column('ref_id', sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table('alerts') as batch:
        batch.drop_column('ref_id')
    op.drop_index('ix_supervision_orders_ticket', table_name='supervision_orders')
    op.drop_index('ix_supervision_orders_recipient', table_name='supervision_orders')
    op.drop_index('ix_supervision_orders_state_due', table_name='supervision_orders')
    op.drop_table('supervision_orders')
