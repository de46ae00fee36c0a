"""Foundation: users, teams, tickets, daily number sequence, handover table, audit log.

The audit log is append-only in the database itself: UPDATE and DELETE (and, on
PostgreSQL, TRUNCATE) on audit_entries are refused by triggers.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""
import sqlalchemy as sa
from alembic import op

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('teams',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('lead_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    *([sa.ForeignKeyConstraint(['lead_id'], ['users.id'], name='fk_teams_lead_id_users')]
      if _sqlite() else []),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_teams')),
    sa.UniqueConstraint('name', name=op.f('uq_teams_name'))
    )
    op.create_table('ticket_sequences',
    sa.Column('day', sa.String(length=8), nullable=False),
    sa.Column('last_value', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('day', name=op.f('pk_ticket_sequences'))
    )
    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('employee_no', sa.String(length=10), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=True),
    sa.Column('password_hash', sa.String(length=256), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('session_version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_users_team_id_teams')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('employee_no', name=op.f('uq_users_employee_no'))
    )
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_users_team_id'), ['team_id'], unique=False)
    if not _sqlite():  # teams and users refer to each other: add this one afterwards
        op.create_foreign_key('fk_teams_lead_id_users', 'teams', 'users', ['lead_id'], ['id'])

    op.create_table('tickets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=20), nullable=False),
    sa.Column('state', sa.String(length=24), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('submitter_id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=True),
    sa.Column('caller_number', sa.String(length=16), nullable=False),
    sa.Column('contact_number', sa.String(length=16), nullable=False),
    sa.Column('complaint', sa.Text(), nullable=False),
    sa.Column('demand', sa.Text(), nullable=False),
    sa.Column('accused_no', sa.String(length=10), nullable=True),
    sa.Column('returned_elements', sa.String(length=128), nullable=False),
    sa.Column('return_note', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(), nullable=False),
    sa.Column('review_due_at', sa.DateTime(), nullable=True),
    sa.Column('handed_over_at', sa.DateTime(), nullable=True),
    sa.Column('idempotency_key', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['submitter_id'], ['users.id'], name=op.f('fk_tickets_submitter_id_users')),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_tickets_team_id_teams')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tickets')),
    sa.UniqueConstraint('idempotency_key', name=op.f('uq_tickets_idempotency_key')),
    sa.UniqueConstraint('number', name=op.f('uq_tickets_number'))
    )
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tickets_accused_no'), ['accused_no'], unique=False)
        batch_op.create_index('ix_tickets_state_due', ['state', 'review_due_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_tickets_submitter_id'), ['submitter_id'], unique=False)
        batch_op.create_index('ix_tickets_team_state_due', ['team_id', 'state', 'review_due_at'], unique=False)

    op.create_table('audit_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=True),
    sa.Column('from_state', sa.String(length=24), nullable=True),
    sa.Column('to_state', sa.String(length=24), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('detail', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_audit_entries_actor_id_users')),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_audit_entries_ticket_id_tickets')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_entries'))
    )
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.create_index('ix_audit_entries_ticket_at', ['ticket_id', 'at'], unique=False)

    op.create_table('handover_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('lead_id', sa.Integer(), nullable=False),
    sa.Column('lead_name', sa.String(length=64), nullable=False),
    sa.Column('lead_employee_no', sa.String(length=10), nullable=False),
    sa.Column('signed_at', sa.DateTime(), nullable=False),
    sa.Column('received_by_id', sa.Integer(), nullable=True),
    sa.Column('remarks', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['lead_id'], ['users.id'], name=op.f('fk_handover_entries_lead_id_users')),
    sa.ForeignKeyConstraint(['received_by_id'], ['users.id'], name=op.f('fk_handover_entries_received_by_id_users')),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_handover_entries_ticket_id_tickets')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_handover_entries')),
    sa.UniqueConstraint('ticket_id', name=op.f('uq_handover_entries_ticket_id'))
    )
    with op.batch_alter_table('handover_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_handover_entries_day'), ['day'], unique=False)

    _append_only('audit_entries')


def _sqlite():
    return op.get_bind().dialect.name == 'sqlite'


def _append_only(table):
    if _sqlite():
        for event in ('UPDATE', 'DELETE'):
            op.execute(f"CREATE TRIGGER {table}_no_{event.lower()} BEFORE {event} ON {table} "
                       f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END")
    else:
        op.execute("CREATE OR REPLACE FUNCTION zikong_append_only() RETURNS trigger "
                   "LANGUAGE plpgsql AS $$ BEGIN "
                   "RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END $$")
        op.execute(f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                   "FOR EACH ROW EXECUTE FUNCTION zikong_append_only()")
        op.execute(f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                   "FOR EACH STATEMENT EXECUTE FUNCTION zikong_append_only()")


def downgrade():
    if _sqlite():
        op.execute("DROP TRIGGER IF EXISTS audit_entries_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_entries_no_delete")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_entries_append_only ON audit_entries")
        op.execute("DROP TRIGGER IF EXISTS audit_entries_no_truncate ON audit_entries")
        op.execute("ALTER TABLE teams DROP CONSTRAINT IF EXISTS fk_teams_lead_id_users")
    with op.batch_alter_table('handover_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_handover_entries_day'))

    op.drop_table('handover_entries')
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_entries_ticket_at')

    op.drop_table('audit_entries')
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.drop_index('ix_tickets_team_state_due')
        batch_op.drop_index(batch_op.f('ix_tickets_submitter_id'))
        batch_op.drop_index('ix_tickets_state_due')
        batch_op.drop_index(batch_op.f('ix_tickets_accused_no'))

    op.drop_table('tickets')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_users_team_id'))

    op.drop_table('users')
    op.drop_table('ticket_sequences')
    op.drop_table('teams')
