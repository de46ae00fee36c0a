"""Recording evidence: the recording-system reference of a ticket's call and audio excerpts.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24
"""
import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'recording_refs',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('ticket_id', sa.Integer(), nullable=False),
        sa.Column('reference', sa.String(length=64), nullable=False),
        sa.Column('set_by_id', sa.Integer(), nullable=False),
        sa.Column('set_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'],
                                name='fk_recording_refs_ticket_id_tickets'),
        sa.ForeignKeyConstraint(['set_by_id'], ['users.id'],
                                name='fk_recording_refs_set_by_id_users'),
        sa.PrimaryKeyConstraint('id', name='pk_recording_refs'),
    )
    op.create_index('ix_recording_refs_ticket_id', 'recording_refs', ['ticket_id', 'id'])
    op.create_table(
        'audio_excerpts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('ticket_id', sa.Integer(), nullable=False),
        sa.Column('replaces_id', sa.Integer(), nullable=True),
        sa.Column('superseded_at', sa.DateTime(), nullable=True),
        sa.Column('stored_name', sa.String(length=32), nullable=False),
        sa.Column('audio_format', sa.String(length=8), nullable=False),
        sa.Column('size_bytes', sa.BigInteger(), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('original_name', sa.String(length=255), nullable=False),
        sa.Column('description', sa.String(length=200), nullable=False),
        sa.Column('uploaded_by_id', sa.Integer(), nullable=False),
        sa.Column('uploaded_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'],
                                name='fk_audio_excerpts_ticket_id_tickets'),
        sa.ForeignKeyConstraint(['replaces_id'], ['audio_excerpts.id'],
                                name='fk_audio_excerpts_replaces_id_audio_excerpts'),
        sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'],
                                name='fk_audio_excerpts_uploaded_by_id_users'),
        sa.PrimaryKeyConstraint('id', name='pk_audio_excerpts'),
        sa.UniqueConstraint('replaces_id', name='uq_audio_excerpts_replaces_id'),
        sa.UniqueConstraint('stored_name', name='uq_audio_excerpts_stored_name'),
    )
    op.create_index('ix_audio_excerpts_ticket_id', 'audio_excerpts', ['ticket_id', 'id'])


def downgrade():
    op.drop_index('ix_audio_excerpts_ticket_id', table_name='audio_excerpts')
    op.drop_table('audio_excerpts')
    op.drop_index('ix_recording_refs_ticket_id', table_name='recording_refs')
    op.drop_table('recording_refs')
