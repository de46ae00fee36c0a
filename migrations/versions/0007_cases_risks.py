"""Prevention: the case library (cases and their criteria tags) and the risk register.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-24
"""
import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'cases',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('ticket_id', sa.Integer(), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('summary', sa.Text(), nullable=False),
        sa.Column('analysis', sa.Text(), nullable=False),
        sa.Column('lesson', sa.Text(), nullable=False),
        sa.Column('handling', sa.Text(), nullable=False),
        sa.Column('archived', sa.Boolean(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_by_id', sa.Integer(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name='fk_cases_ticket_id_tickets'),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'],
                                name='fk_cases_created_by_id_users'),
        sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'],
                                name='fk_cases_updated_by_id_users'),
        sa.PrimaryKeyConstraint('id', name='pk_cases'),
        sa.UniqueConstraint('ticket_id', name='uq_cases_ticket_id'),
    )
    op.create_index('ix_cases_archived_created', 'cases', ['archived', 'created_at'])
    op.create_table(
        'case_criteria',
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('criterion_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name='fk_case_criteria_case_id_cases'),
        sa.ForeignKeyConstraint(['criterion_id'], ['criteria.id'],
                                name='fk_case_criteria_criterion_id_criteria'),
        sa.PrimaryKeyConstraint('case_id', 'criterion_id', name='pk_case_criteria'),
    )
    op.create_index('ix_case_criteria_criterion_id', 'case_criteria', ['criterion_id'])
    op.create_table(
        'risks',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('description', sa.Text(), nullable=False),
        sa.Column('probability', sa.Integer(), nullable=False),
        sa.Column('impact', sa.Integer(), nullable=False),
        sa.Column('owner_id', sa.Integer(), nullable=False),
        sa.Column('review_on', sa.Date(), nullable=False),
        sa.Column('status', sa.String(length=8), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_by_id', sa.Integer(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name='fk_risks_owner_id_users'),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'],
                                name='fk_risks_created_by_id_users'),
        sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'],
                                name='fk_risks_updated_by_id_users'),
        sa.PrimaryKeyConstraint('id', name='pk_risks'),
        # The scores are 1–5 whoever writes the row (the app checks first, with a message).
        sa.CheckConstraint('probability BETWEEN 1 AND 5', name='ck_risks_probability'),
        sa.CheckConstraint('impact BETWEEN 1 AND 5', name='ck_risks_impact'),
        sa.CheckConstraint("status IN ('open', 'closed')", name='ck_risks_status'),
    )
    op.create_index('ix_risks_status_review', 'risks', ['status', 'review_on'])


def downgrade():
    op.drop_index('ix_risks_status_review', table_name='risks')
    op.drop_table('risks')
    op.drop_index('ix_case_criteria_criterion_id', table_name='case_criteria')
    op.drop_table('case_criteria')
    op.drop_index('ix_cases_archived_created', table_name='cases')
    op.drop_table('cases')
