"""Sealed ballots: each choice encrypted in a row of its own, no running count (issue 14).

`vote_tallies` kept a running count updated in the same transaction as the voter's
`submitted` flag, so a copy of SQLite's WAL (or PostgreSQL's dead row versions) paired each
increase with a voter. Ballots are now sealed (domain.ballots) under a key outside the
database; the vote records the key's fingerprint, and whether its ballots could be opened.

Votes open at the upgrade keep their ballots: their counts so far are sealed as ballots under
the current key. The old counts may still sit in the WAL or in dead rows until SQLite's next
checkpoint or PostgreSQL's next vacuum (README: ballot secrecy).

Revision ID: 0010
Revises: 0008
Create Date: 2026-12-04
"""
import secrets

import sqlalchemy as sa
from alembic import op
from flask import current_app

from domain import ballots

revision = '0010'
down_revision = '0008'
branch_labels = None
depends_on = None


def _key() -> bytes:
    return ballots.derive_key(current_app.config["SECRET_KEY"],
                              current_app.config.get("BALLOT_KEY"))


def upgrade():
    op.create_table(
        'ballots',
        sa.Column('id', sa.String(length=32), nullable=False),
        sa.Column('appeal_id', sa.Integer(), nullable=False),
        sa.Column('sealed', sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(['appeal_id'], ['appeals.id'],
                                name='fk_ballots_appeal_id_appeals'),
        sa.PrimaryKeyConstraint('id', name='pk_ballots'),
        sqlite_with_rowid=False,
    )
    op.create_index('ix_ballots_appeal_id', 'ballots', ['appeal_id'])
    # Plain ALTER TABLE … ADD COLUMN: a batch copy of `appeals` (SQLite) would drop a table
    # that other tables' rows refer to.
    op.add_column('appeals', sa.Column('ballot_key_id', sa.String(length=16), nullable=True))
    op.add_column('appeals', sa.Column('ballots_unreadable', sa.Boolean(), nullable=False,
                                       server_default=sa.false()))

    conn = op.get_bind()
    open_votes = conn.execute(sa.text(
        "SELECT a.id, v.established, v.not_established FROM appeals a "
        "JOIN vote_tallies v ON v.appeal_id = a.id "
        "WHERE a.vote_opened_at IS NOT NULL AND a.vote_closed_at IS NULL")).all()
    if open_votes:
        key = _key()
        for appeal_id, established, not_established in open_votes:
            for choice, n in (("established", established),
                              ("not_established", not_established)):
                for _ in range(n):
                    conn.execute(sa.text(
                        "INSERT INTO ballots (id, appeal_id, sealed) VALUES (:id, :a, :s)"),
                        {"id": secrets.token_hex(16), "a": appeal_id,
                         "s": ballots.seal(key, appeal_id, choice)})
        conn.execute(sa.text(
            "UPDATE appeals SET ballot_key_id = :k WHERE vote_opened_at IS NOT NULL "
            "AND vote_closed_at IS NULL"), {"k": ballots.fingerprint(key)})
    op.drop_table('vote_tallies')


def downgrade():
    op.create_table(
        'vote_tallies',
        sa.Column('appeal_id', sa.Integer(), nullable=False),
        sa.Column('established', sa.Integer(), nullable=False),
        sa.Column('not_established', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['appeal_id'], ['appeals.id'],
                                name='fk_vote_tallies_appeal_id_appeals'),
        sa.PrimaryKeyConstraint('appeal_id', name='pk_vote_tallies'),
    )
    conn = op.get_bind()
    votes = conn.execute(sa.text(
        "SELECT id, vote_closed_at, established_count, not_established_count FROM appeals "
        "WHERE vote_opened_at IS NOT NULL")).all()
    key = _key() if votes else None
    for appeal_id, closed_at, established, not_established in votes:
        if closed_at is None:   # open: its counts so far, from its ballots
            sealed = conn.execute(sa.text("SELECT sealed FROM ballots WHERE appeal_id = :a"),
                                  {"a": appeal_id}).scalars().all()
            tally = ballots.count(key, appeal_id, sealed, voted=len(sealed))
            established, not_established = tally.established, tally.not_established
        conn.execute(sa.text(
            "INSERT INTO vote_tallies (appeal_id, established, not_established) "
            "VALUES (:a, :e, :n)"), {"a": appeal_id, "e": established or 0,
                                     "n": not_established or 0})
    op.drop_index('ix_ballots_appeal_id', table_name='ballots')
    op.drop_table('ballots')
    # Plain ALTER TABLE … DROP COLUMN (SQLite 3.35+), for the same reason.
    op.drop_column('appeals', 'ballots_unreadable')
    op.drop_column('appeals', 'ballot_key_id')
