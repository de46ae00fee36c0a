"""Sealed ballots: one length whatever the choice, counted only with the right key and vote."""
import pytest

from domain import ballots
from domain.appeals import Tally

E, N = "established", "not_established"
KEY = ballots.derive_key("test-secret")


def test_a_ballot_has_one_length_whatever_the_choice_and_never_repeats():
    sealed = [ballots.seal(KEY, 7, choice) for choice in (E, N, E, N)]
    assert {len(s) for s in sealed} == {ballots.SEALED_BYTES}
    assert len(set(sealed)) == 4                       # a fresh nonce each time
    assert all(b"established" not in s for s in sealed)


def test_counting_opens_every_ballot():
    sealed = [ballots.seal(KEY, 7, c) for c in (E, E, N, E)]
    assert ballots.count(KEY, 7, sealed, voted=4) == Tally(3, 1)
    assert ballots.count(KEY, 7, [], voted=0) == Tally(0, 0)


@pytest.mark.parametrize("case", ["other key", "other vote", "copied", "missing", "cut",
                                  "flipped bit"])
def test_ballots_that_do_not_belong_make_the_vote_unreadable(case):
    sealed = [ballots.seal(KEY, 7, c) for c in (E, N, E)]
    key, vote, voted = KEY, 7, 3
    if case == "other key":
        key = ballots.derive_key("another-secret")
    elif case == "other vote":
        vote = 8
    elif case == "copied":   # someone with the database copies a ballot row
        sealed.append(sealed[0])
        voted = 4
    elif case == "missing":
        sealed.pop()
    elif case == "cut":
        sealed[0] = sealed[0][:-1]
    else:
        sealed[1] = sealed[1][:-1] + bytes([sealed[1][-1] ^ 1])
    with pytest.raises(ballots.Unreadable):
        ballots.count(key, vote, sealed, voted=voted)


def test_the_key_comes_from_the_dedicated_key_when_there_is_one():
    from_secret = ballots.derive_key("s")
    dedicated = ballots.derive_key("s", "a dedicated ballot key")
    assert len(from_secret) == len(dedicated) == 32
    assert from_secret != dedicated
    assert from_secret != b"s".ljust(32, b"\0")        # never the session key itself
    assert ballots.fingerprint(from_secret) == ballots.fingerprint(ballots.derive_key("s"))
    assert ballots.fingerprint(from_secret) != ballots.fingerprint(dedicated)
    with pytest.raises(ValueError):
        ballots.derive_key("")
