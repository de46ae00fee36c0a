"""Customer numbers are searched by equality: an index on each number column (issue 14).

The reply-script look-up (回复口径) and the quality queue's search match a customer only by
the whole number (caller or contact), so each column gets its own index: the look-up reads
the few tickets of that number through both indexes instead of scanning the table.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04
"""
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_tickets_caller_number', 'tickets', ['caller_number'])
    op.create_index('ix_tickets_contact_number', 'tickets', ['contact_number'])


def downgrade():
    op.drop_index('ix_tickets_contact_number', table_name='tickets')
    op.drop_index('ix_tickets_caller_number', table_name='tickets')
