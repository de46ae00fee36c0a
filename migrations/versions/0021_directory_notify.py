"""Directory accounts, the notification outbox, reminders, SMS delivery status (issue 19).

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-05
"""
import sqlalchemy as sa
from alembic import op

revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users') as batch:
        batch.add_column(sa.Column('auth_source', sa.String(length=12), nullable=False,
                                   server_default='local'))
    with op.batch_alter_table('sms_messages') as batch:
        batch.add_column(sa.Column('status_at', sa.DateTime(), nullable=True))
    op.create_table(
        'outbox_messages',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('channel', sa.String(length=64), nullable=False),
        sa.Column('event', sa.String(length=32), nullable=False),
        sa.Column('ticket_id', sa.Integer(), nullable=True),
        sa.Column('ref_id', sa.Integer(), nullable=True),
        sa.Column('sms_id', sa.Integer(), nullable=True),
        sa.Column('status', sa.String(length=12), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('next_attempt_at', sa.DateTime(), nullable=False),
        sa.Column('claimed_at', sa.DateTime(), nullable=True),
        sa.Column('sent_at', sa.DateTime(), nullable=True),
        sa.Column('last_error', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'],
                                name='fk_outbox_messages_ticket_id_tickets'),
        sa.ForeignKeyConstraint(['sms_id'], ['sms_messages.id'],
                                name='fk_outbox_messages_sms_id_sms_messages'),
        sa.PrimaryKeyConstraint('id', name='pk_outbox_messages'),
    )
    op.create_index('ix_outbox_due', 'outbox_messages', ['status', 'next_attempt_at'])
    op.create_index('ix_outbox_channel_claimed', 'outbox_messages', ['channel', 'claimed_at'])
    op.create_table(
        'reminders',
        sa.Column('kind', sa.String(length=32), nullable=False),
        sa.Column('ticket_id', sa.Integer(), nullable=False),
        sa.Column('due_at', sa.DateTime(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'],
                                name='fk_reminders_ticket_id_tickets'),
        sa.PrimaryKeyConstraint('kind', 'ticket_id', 'due_at', name='pk_reminders'),
    )


def downgrade():
    op.drop_table('reminders')
    op.drop_index('ix_outbox_channel_claimed', table_name='outbox_messages')
    op.drop_index('ix_outbox_due', table_name='outbox_messages')
    op.drop_table('outbox_messages')
    with op.batch_alter_table('sms_messages') as batch:
        batch.drop_column('status_at')
    with op.batch_alter_table('users') as batch:
        batch.drop_column('auth_source')
