"""The callback cycle as seeds 000, 003 and 004 run it (issue 17): callbacks given to named
callers, the record's method and the customer's name, the survey's alternative and appended
event, and the problems raised with their grades and clocks.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-05
"""
import sqlalchemy as sa
from alembic import op

revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def _add_user_reference(table, column):
    """A nullable column referring to users.id (as 0012 does: SQLite takes REFERENCES in ADD
    COLUMN, so no table rebuild)."""
    name = f'fk_{table}_{column}_users'
    if op.get_bind().dialect.name == 'sqlite':
        op.execute(f'ALTER TABLE {table} ADD COLUMN {column} INTEGER '
                   f'CONSTRAINT {name} REFERENCES users (id)')
    else:
        op.add_column(table, sa.Column(column, sa.Integer(), nullable=True))
        op.create_foreign_key(name, table, 'users', [column], ['id'])


def upgrade():
    _add_user_reference('survey_contacts', 'caller_id')
    op.add_column('survey_contacts', sa.Column('assigned_at', sa.DateTime(), nullable=True))
    _add_user_reference('survey_contacts', 'assigned_by_id')
    op.add_column('survey_contacts', sa.Column('area', sa.String(length=20), nullable=False,
                                               server_default=''))
    op.add_column('survey_contacts', sa.Column('customer_name', sa.String(length=40),
                                               nullable=False, server_default=''))
    op.create_index('ix_survey_contacts_caller', 'survey_contacts',
                    ['caller_id', 'callback_due_on'])
    # Callbacks made before callers were assigned are their agent's.
    op.execute('UPDATE survey_contacts SET caller_id = callback_by_id, '
               'assigned_at = callback_done_at WHERE callback_by_id IS NOT NULL')

    op.add_column('callback_records', sa.Column('method', sa.String(length=12), nullable=False,
                                                server_default='phone'))
    op.add_column('callback_records', sa.Column('customer_name', sa.String(length=40),
                                                nullable=False, server_default=''))
    op.add_column('survey_records', sa.Column('alternative', sa.Text(), nullable=False,
                                              server_default=''))
    op.add_column('survey_records', sa.Column('alternative_accepted', sa.Boolean(),
                                              nullable=True))
    op.add_column('survey_records', sa.Column('event_appended', sa.Boolean(), nullable=False,
                                              server_default=sa.false()))

    op.create_table(
        'contact_problems',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('contact_id', sa.Integer(), nullable=False),
        sa.Column('source', sa.String(length=10), nullable=False),
        sa.Column('callback_id', sa.Integer(), nullable=True),
        sa.Column('remedy_id', sa.Integer(), nullable=True),
        sa.Column('summary', sa.Text(), nullable=False),
        sa.Column('grade', sa.String(length=10), nullable=False),
        sa.Column('raised_at', sa.DateTime(), nullable=False),
        sa.Column('raised_by_id', sa.Integer(), nullable=False),
        sa.Column('diagnosis_due_at', sa.DateTime(), nullable=False),
        sa.Column('plan_due_at', sa.DateTime(), nullable=False),
        sa.Column('diagnosed_at', sa.DateTime(), nullable=True),
        sa.Column('diagnosed_by_id', sa.Integer(), nullable=True),
        sa.Column('diagnosis_note', sa.Text(), nullable=False),
        sa.Column('planned_at', sa.DateTime(), nullable=True),
        sa.Column('planned_by_id', sa.Integer(), nullable=True),
        sa.Column('plan_note', sa.Text(), nullable=False),
        sa.Column('diagnosis_alerted_at', sa.DateTime(), nullable=True),
        sa.Column('plan_alerted_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['contact_id'], ['survey_contacts.id'],
                                name='fk_contact_problems_contact_id_survey_contacts'),
        sa.ForeignKeyConstraint(['callback_id'], ['callback_records.id'],
                                name='fk_contact_problems_callback_id_callback_records'),
        sa.ForeignKeyConstraint(['remedy_id'], ['remedy_tasks.id'],
                                name='fk_contact_problems_remedy_id_remedy_tasks'),
        sa.ForeignKeyConstraint(['raised_by_id'], ['users.id'],
                                name='fk_contact_problems_raised_by_id_users'),
        sa.ForeignKeyConstraint(['diagnosed_by_id'], ['users.id'],
                                name='fk_contact_problems_diagnosed_by_id_users'),
        sa.ForeignKeyConstraint(['planned_by_id'], ['users.id'],
                                name='fk_contact_problems_planned_by_id_users'),
        sa.PrimaryKeyConstraint('id', name='pk_contact_problems'),
        sa.CheckConstraint("grade IN ('general', 'important', 'urgent')",
                           name='ck_contact_problems_grade'),
    )
    op.create_index('ix_contact_problems_contact_id', 'contact_problems', ['contact_id'])
    op.create_index('ix_contact_problems_open', 'contact_problems',
                    ['planned_at', 'plan_due_at'])
    op.create_table(
        'problem_grades',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('problem_id', sa.Integer(), nullable=False),
        sa.Column('grade', sa.String(length=10), nullable=False),
        sa.Column('previous', sa.String(length=10), nullable=True),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('graded_by_id', sa.Integer(), nullable=False),
        sa.Column('graded_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['problem_id'], ['contact_problems.id'],
                                name='fk_problem_grades_problem_id_contact_problems'),
        sa.ForeignKeyConstraint(['graded_by_id'], ['users.id'],
                                name='fk_problem_grades_graded_by_id_users'),
        sa.PrimaryKeyConstraint('id', name='pk_problem_grades'),
    )
    op.create_index('ix_problem_grades_problem_id', 'problem_grades', ['problem_id'])


def downgrade():
    op.drop_index('ix_problem_grades_problem_id', table_name='problem_grades')
    op.drop_table('problem_grades')
    op.drop_index('ix_contact_problems_open', table_name='contact_problems')
    op.drop_index('ix_contact_problems_contact_id', table_name='contact_problems')
    op.drop_table('contact_problems')
    with op.batch_alter_table('survey_records') as batch:
        for column in ('event_appended', 'alternative_accepted', 'alternative'):
            batch.drop_column(column)
    with op.batch_alter_table('callback_records') as batch:
        for column in ('customer_name', 'method'):
            batch.drop_column(column)
    op.drop_index('ix_survey_contacts_caller', table_name='survey_contacts')
    with op.batch_alter_table('survey_contacts') as batch:
        for column in ('customer_name', 'area', 'assigned_by_id', 'assigned_at', 'caller_id'):
            batch.drop_column(column)
