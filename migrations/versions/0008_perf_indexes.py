"""Performance: indexes for the pages of a floor with years of tickets (issue 6).

The dashboard counts and medians of one period read tickets by one moment each (filed,
signed over, claimed, judged, replied, escalated) and group them by team, route group or
checker: each moment gets an index that starts with it and carries the columns those
queries read, so a month is a range of one index and never a scan of the table. Appeals get
the moments the appeal figures count by. The ticket list and its export walk tickets newest
first by (submitted_at, id).

Measured with bench/ (200,000 tickets, SQLite, one request in-process): the dashboard of
one month by team ran 74 queries that each scanned the table, 7.4 s; with these indexes the
same queries take ~185 ms of SQL (and ~130 ms once services/reports.py counts several
figures per query).

Revision ID: 0008
Revises: 0009
Create Date: 2026-11-23
"""
from alembic import op

revision = '0008'
down_revision = '0009'
branch_labels = None
depends_on = None

BREAKDOWN = ['team_id', 'route_group', 'checker_id']

INDEXES = [
    ('ix_tickets_created_at', 'tickets', ['created_at', *BREAKDOWN]),
    ('ix_tickets_submitted_at', 'tickets', ['submitted_at', 'id']),
    ('ix_tickets_handed_over_at', 'tickets',
     ['handed_over_at', 'source', 'submitted_at', *BREAKDOWN]),
    ('ix_tickets_claimed_at', 'tickets', ['claimed_at', 'handed_over_at']),
    ('ix_tickets_judged_at', 'tickets', ['judged_at', 'verdict', 'claimed_at', *BREAKDOWN]),
    ('ix_tickets_reply_done_at', 'tickets',
     ['reply_done_at', 'handed_over_at', 'reply_method', *BREAKDOWN]),
    ('ix_tickets_escalated_at', 'tickets', ['escalated_at', 'reply_done_at']),
    # The KPIs by judgement type and criterion join judgements to the judged tickets of the
    # period; with these columns PostgreSQL joins through the index instead of reading every
    # judgement (48 → 16 ms and 35 → 20 ms at 185,000 judgements).
    ('ix_judgements_ticket_kind', 'judgements', ['ticket_id', 'kind', 'id']),
    ('ix_appeals_filed_at', 'appeals', ['filed_at']),
    ('ix_appeals_rejudged_at', 'appeals', ['rejudged_at', 'decision']),
]


def upgrade():
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns, unique=False)


def downgrade():
    for name, table, _columns in reversed(INDEXES):
        op.drop_index(name, table_name=table)
