"""Wallboard screens (大屏, issue 16): a revocable link per screen, its token kept hashed.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-05
"""
import sqlalchemy as sa
from alembic import op

revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'wallboard_screens',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=64), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=False),
        sa.Column('revoked_at', sa.DateTime(), nullable=True),
        sa.Column('revoked_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'],
                                name='fk_wallboard_screens_created_by_id_users'),
        sa.ForeignKeyConstraint(['revoked_by_id'], ['users.id'],
                                name='fk_wallboard_screens_revoked_by_id_users'),
        sa.PrimaryKeyConstraint('id', name='pk_wallboard_screens'),
        sa.UniqueConstraint('token_hash', name='uq_wallboard_screens_token_hash'),
    )


def downgrade():
    op.drop_table('wallboard_screens')
