"""Warnings, announcements with their recipients, and bell alerts.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23
"""
import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'warnings',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=12), nullable=False),
        sa.Column('ticket_id', sa.Integer(), nullable=True),
        sa.Column('key', sa.String(length=64), nullable=True),
        sa.Column('week_start', sa.Date(), nullable=True),
        sa.Column('note', sa.Text(), nullable=False),
        sa.Column('figures', sa.Text(), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('handled_at', sa.DateTime(), nullable=True),
        sa.Column('handled_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name='fk_warnings_ticket_id_tickets'),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'],
                                name='fk_warnings_created_by_id_users'),
        sa.ForeignKeyConstraint(['handled_by_id'], ['users.id'],
                                name='fk_warnings_handled_by_id_users'),
        sa.PrimaryKeyConstraint('id', name='pk_warnings'),
        sa.UniqueConstraint('kind', 'key', 'week_start', name='uq_warnings_rule_week'),
    )
    op.create_index('ix_warnings_open', 'warnings', ['handled_at', 'created_at'])
    op.create_table(
        'announcements',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('title', sa.String(length=120), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('warning_id', sa.Integer(), nullable=True),
        sa.Column('created_by_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['warning_id'], ['warnings.id'],
                                name='fk_announcements_warning_id_warnings'),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'],
                                name='fk_announcements_created_by_id_users'),
        sa.PrimaryKeyConstraint('id', name='pk_announcements'),
    )
    op.create_table(
        'announcement_recipients',
        sa.Column('announcement_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('acknowledged_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['announcement_id'], ['announcements.id'],
                                name='fk_announcement_recipients_announcement_id_announcements'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                                name='fk_announcement_recipients_user_id_users'),
        sa.PrimaryKeyConstraint('announcement_id', 'user_id', name='pk_announcement_recipients'),
    )
    op.create_index('ix_announcement_recipients_user', 'announcement_recipients',
                    ['user_id', 'acknowledged_at'])
    op.create_table(
        'alerts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=24), nullable=False),
        sa.Column('ticket_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('read_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name='fk_alerts_user_id_users'),
        sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name='fk_alerts_ticket_id_tickets'),
        sa.PrimaryKeyConstraint('id', name='pk_alerts'),
    )
    op.create_index('ix_alerts_user_unread', 'alerts', ['user_id', 'read_at', 'created_at'])


def downgrade():
    op.drop_index('ix_alerts_user_unread', table_name='alerts')
    op.drop_table('alerts')
    op.drop_index('ix_announcement_recipients_user', table_name='announcement_recipients')
    op.drop_table('announcement_recipients')
    op.drop_table('announcements')
    op.drop_index('ix_warnings_open', table_name='warnings')
    op.drop_table('warnings')
