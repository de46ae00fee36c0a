"""Issue 15: the decision on an escalated customer's reply — the method, who replies, the
note, who decided and when — on the ticket.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04
"""
import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def _add_user_reference(table, column):
    """A nullable column referring to users.id. SQLite cannot add a constraint to an existing
    table, but it takes REFERENCES in ADD COLUMN (no table rebuild, as in 0002)."""
    name = f'fk_{table}_{column}_users'
    if op.get_bind().dialect.name == 'sqlite':
        op.execute(f'ALTER TABLE {table} ADD COLUMN {column} INTEGER '
                   f'CONSTRAINT {name} REFERENCES users (id)')
    else:
        op.add_column(table, sa.Column(column, sa.Integer(), nullable=True))
        op.create_foreign_key(name, table, 'users', [column], ['id'])


def upgrade():
    op.add_column('tickets', sa.Column('reply_decision', sa.String(length=16), nullable=True))
    op.add_column('tickets', sa.Column('reply_decision_note', sa.Text(), nullable=False,
                                       server_default=''))
    _add_user_reference('tickets', 'replier_id')
    op.add_column('tickets', sa.Column('reply_decided_at', sa.DateTime(), nullable=True))
    _add_user_reference('tickets', 'reply_decided_by_id')


def downgrade():
    with op.batch_alter_table('tickets') as batch_op:
        for column in ('reply_decided_by_id', 'reply_decided_at', 'replier_id',
                       'reply_decision_note', 'reply_decision'):
            batch_op.drop_column(column)
