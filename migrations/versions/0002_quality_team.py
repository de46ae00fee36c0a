"""Quality team: claim, routing, judgement, notifications, reply record, configuration.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""
import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('criteria',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=8), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_criteria')),
    sa.UniqueConstraint('code', name=op.f('uq_criteria_code'))
    )
    op.create_table('route_rules',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('prefix', sa.String(length=10), nullable=False),
    sa.Column('group', sa.String(length=16), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_route_rules')),
    sa.UniqueConstraint('prefix', name=op.f('uq_route_rules_prefix'))
    )
    op.create_table('settings',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_settings_updated_by_id_users')),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_settings'))
    )
    op.create_table('contact_attempts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('reached', sa.Boolean(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('checker_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['checker_id'], ['users.id'], name=op.f('fk_contact_attempts_checker_id_users')),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_contact_attempts_ticket_id_tickets')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contact_attempts'))
    )
    with op.batch_alter_table('contact_attempts', schema=None) as batch_op:
        batch_op.create_index('ix_contact_attempts_ticket_at', ['ticket_id', 'at'], unique=False)

    op.create_table('judgements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('verdict', sa.String(length=20), nullable=False),
    sa.Column('basis', sa.Text(), nullable=False),
    sa.Column('judged_by_id', sa.Integer(), nullable=False),
    sa.Column('judged_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['judged_by_id'], ['users.id'], name=op.f('fk_judgements_judged_by_id_users')),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_judgements_ticket_id_tickets')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_judgements')),
    sa.UniqueConstraint('ticket_id', name=op.f('uq_judgements_ticket_id'))
    )
    op.create_table('notifications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('group', sa.String(length=16), nullable=False),
    sa.Column('number_called', sa.String(length=16), nullable=False),
    sa.Column('called_at', sa.DateTime(), nullable=False),
    sa.Column('other_lead_name', sa.String(length=64), nullable=False),
    sa.Column('tracking', sa.String(length=16), nullable=False),
    sa.Column('result', sa.Text(), nullable=False),
    sa.Column('checker_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['checker_id'], ['users.id'], name=op.f('fk_notifications_checker_id_users')),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_notifications_ticket_id_tickets')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notifications'))
    )
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notifications_called_at'), ['called_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_notifications_ticket_id'), ['ticket_id'], unique=False)

    op.create_table('sms_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('number', sa.String(length=16), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_sms_messages_created_by_id_users')),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_sms_messages_ticket_id_tickets')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sms_messages'))
    )
    with op.batch_alter_table('sms_messages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sms_messages_ticket_id'), ['ticket_id'], unique=False)

    op.create_table('judgement_criteria',
    sa.Column('judgement_id', sa.Integer(), nullable=False),
    sa.Column('criterion_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['criterion_id'], ['criteria.id'], name=op.f('fk_judgement_criteria_criterion_id_criteria')),
    sa.ForeignKeyConstraint(['judgement_id'], ['judgements.id'], name=op.f('fk_judgement_criteria_judgement_id_judgements')),
    sa.PrimaryKeyConstraint('judgement_id', 'criterion_id', name=op.f('pk_judgement_criteria'))
    )
    # Plain ALTER TABLE ADD COLUMN (no table rebuild): works on SQLite and PostgreSQL and
    # leaves the rows, triggers and foreign keys of the existing tables alone.
    op.add_column('handover_entries', sa.Column('return_reason', sa.String(length=4), nullable=True))
    _add_user_reference('handover_entries', 'return_confirmed_by_id')
    op.add_column('handover_entries', sa.Column('return_confirmed_at', sa.DateTime(), nullable=True))
    _add_user_reference('tickets', 'checker_id')
    for name in ('claimed_at', 'reply_due_at', 'first_failed_call_at', 'reached_at',
                 'reply_done_at', 'escalated_at', 'judged_at', 'appeal_until', 'closed_at'):
        op.add_column('tickets', sa.Column(name, sa.DateTime(), nullable=True))
    op.add_column('tickets', sa.Column('route_group', sa.String(length=16), nullable=True))
    op.add_column('tickets', sa.Column('reply_method', sa.String(length=16), nullable=True))
    op.add_column('tickets', sa.Column('source', sa.String(length=16), nullable=True))
    op.add_column('tickets', sa.Column('reply_note', sa.Text(), nullable=False, server_default=''))
    op.add_column('tickets', sa.Column('escalation_note', sa.Text(), nullable=False, server_default=''))
    op.create_index('ix_tickets_checker_state', 'tickets', ['checker_id', 'state'])
    op.create_index('ix_tickets_state_appeal_until', 'tickets', ['state', 'appeal_until'])
    op.create_index('ix_tickets_state_reply_due', 'tickets', ['state', 'reply_due_at'])
    _seed_configuration()


def _add_user_reference(table, column):
    """A nullable column referring to users.id. SQLite cannot add a constraint to an existing
    table, but it takes REFERENCES in ADD COLUMN."""
    name = f'fk_{table}_{column}_users'
    if op.get_bind().dialect.name == 'sqlite':
        op.execute(f'ALTER TABLE {table} ADD COLUMN {column} INTEGER '
                   f'CONSTRAINT {name} REFERENCES users (id)')
    else:
        op.add_column(table, sa.Column(column, sa.Integer(), nullable=True))
        op.create_foreign_key(name, table, 'users', [column], ['id'])


# The defaults of SPEC §4 and §5; the admin edits them in the browser afterwards.
ROUTES = ([('17', 'front'), ('18', 'front')] + [(str(n), 'front') for n in range(20, 30)]
          + [(p, 'back') for p in ('10', '11', '12', '13')]
          + [('8009', 'line_8200'), ('35', 'line_9696')])
CRITERIA = [
    ('A1', 'attitude', '与客户发生争执'),
    ('A2', 'attitude', '责问、反问、训斥、漫骂或命令客户'),
    ('A3', 'attitude', '态度傲慢'),
    ('A4', 'attitude', '对客户关注问题未作答、答非所问、不懂装懂、搪塞推诿、违反首问责任制'),
    ('B1', 'business', '向客户提供错误答案且未及时更正'),
    ('B2', 'business', '错误信息致客户损失收入或发生费用'),
    ('B3', 'business', '错误信息致公司发生费用'),
    ('B4', 'business', '工作失误致客户有理由投诉或投诉升级，或主动要求用户向其他部门投诉'),
    ('B5', 'business', '泄露公司秘密或用户信息'),
]


def _seed_configuration():
    route_rules = sa.table('route_rules', sa.column('prefix', sa.String),
                           sa.column('group', sa.String))
    op.bulk_insert(route_rules, [{'prefix': p, 'group': g} for p, g in ROUTES])
    criteria = sa.table('criteria', sa.column('code', sa.String), sa.column('kind', sa.String),
                        sa.column('text', sa.Text), sa.column('active', sa.Boolean),
                        sa.column('position', sa.Integer))
    op.bulk_insert(criteria, [{'code': c, 'kind': k, 'text': t, 'active': True, 'position': i}
                              for i, (c, k, t) in enumerate(CRITERIA)])


def downgrade():
    for index in ('ix_tickets_checker_state', 'ix_tickets_state_appeal_until',
                  'ix_tickets_state_reply_due'):
        op.drop_index(index, table_name='tickets')
    with op.batch_alter_table('tickets') as batch_op:
        for column in ('checker_id', 'claimed_at', 'reply_due_at', 'first_failed_call_at',
                       'reached_at', 'reply_done_at', 'escalated_at', 'judged_at',
                       'appeal_until', 'closed_at', 'route_group', 'reply_method', 'source',
                       'reply_note', 'escalation_note'):
            batch_op.drop_column(column)

    with op.batch_alter_table('handover_entries') as batch_op:
        batch_op.drop_column('return_reason')
        batch_op.drop_column('return_confirmed_by_id')
        batch_op.drop_column('return_confirmed_at')

    op.drop_table('judgement_criteria')
    with op.batch_alter_table('sms_messages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sms_messages_ticket_id'))

    op.drop_table('sms_messages')
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notifications_ticket_id'))
        batch_op.drop_index(batch_op.f('ix_notifications_called_at'))

    op.drop_table('notifications')
    op.drop_table('judgements')
    with op.batch_alter_table('contact_attempts', schema=None) as batch_op:
        batch_op.drop_index('ix_contact_attempts_ticket_at')

    op.drop_table('contact_attempts')
    op.drop_table('settings')
    op.drop_table('route_rules')
    op.drop_table('criteria')
