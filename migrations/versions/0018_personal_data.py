"""Personal data lifecycle (issue 21): keyed hashes beside anonymised numbers, when and why a
ticket or a contact was anonymised, and audio excerpts deleted when their time was up.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-05
"""
import sqlalchemy as sa
from alembic import op

revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMN: a batch copy would drop tables other rows refer to.
    op.add_column('tickets', sa.Column('caller_hash', sa.String(length=64), nullable=True))
    op.add_column('tickets', sa.Column('contact_hash', sa.String(length=64), nullable=True))
    op.add_column('tickets', sa.Column('anonymised_at', sa.DateTime(), nullable=True))
    op.add_column('tickets', sa.Column('anonymised_why', sa.String(length=16), nullable=True))
    op.create_index('ix_tickets_caller_hash', 'tickets', ['caller_hash'])
    op.create_index('ix_tickets_contact_hash', 'tickets', ['contact_hash'])
    op.add_column('sms_messages', sa.Column('number_hash', sa.String(length=64), nullable=True))
    op.add_column('survey_contacts', sa.Column('phone_hash', sa.String(length=64),
                                               nullable=True))
    op.add_column('survey_contacts', sa.Column('anonymised_at', sa.DateTime(), nullable=True))
    op.create_index('ix_survey_contacts_phone_hash', 'survey_contacts', ['phone_hash'])
    op.add_column('audio_excerpts', sa.Column('purged_at', sa.DateTime(), nullable=True))


def downgrade():
    op.drop_column('audio_excerpts', 'purged_at')
    op.drop_index('ix_survey_contacts_phone_hash', table_name='survey_contacts')
    op.drop_column('survey_contacts', 'anonymised_at')
    op.drop_column('survey_contacts', 'phone_hash')
    op.drop_column('sms_messages', 'number_hash')
    op.drop_index('ix_tickets_contact_hash', table_name='tickets')
    op.drop_index('ix_tickets_caller_hash', table_name='tickets')
    for column in ('anonymised_why', 'anonymised_at', 'contact_hash', 'caller_hash'):
        op.drop_column('tickets', column)
