"""Appeals and the anonymous panel vote (SPEC §3, §7), one module per sub-area: filing (file,
re-judge, the site head's ruling), panel (naming the panellists), votes (open, cast and close
the vote; ballot secrecy) and reading (who has voted, who an appeal waits on).

The use cases are importable from here, as `services.appeals.file_appeal` …"""
from domain.errors import FormProblems

from .filing import appeal_open, file_appeal, rejudge, rule
from .panel import name_panel, side_of
from .reading import (PENDING_VOTES_OF_USER, has_voted, list_appeals, my_open_votes,
                      pending_vote_count, remember_vote_count, voted_count, waiting_for,
                      waiting_on)
from .votes import ballot_key, cast_ballot, close_due_votes

__all__ = [
    "FormProblems", "PENDING_VOTES_OF_USER", "appeal_open", "ballot_key", "cast_ballot",
    "close_due_votes", "file_appeal", "has_voted", "list_appeals", "my_open_votes",
    "name_panel", "pending_vote_count", "rejudge", "remember_vote_count", "rule", "side_of",
    "voted_count", "waiting_for", "waiting_on"]
