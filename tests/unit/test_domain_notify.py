"""Notification rules (domain.notify): backoff, rate limits, routing, DingTalk's signature,
the SMS body template."""
import base64
import hashlib
import hmac
import json
import urllib.parse
from datetime import datetime, timedelta

from domain.notify import (Route, dingtalk_sign, fill_template, next_attempt, per_minute,
                           route_problems)

NOW = datetime(2026, 11, 23, 2, 0)


def test_backoff_grows_then_gives_up():
    waits = [next_attempt(n, NOW) - NOW for n in range(1, 9)]
    assert waits == sorted(waits) and waits[0] == timedelta(minutes=1)
    assert next_attempt(9, NOW) is None


def test_robots_never_exceed_their_documented_limit():
    assert per_minute("wecom") == per_minute("dingtalk") == 20
    assert per_minute("dingtalk", 50) == 20 and per_minute("wecom", 5) == 5
    assert per_minute("email", 100) == 100


def test_routes_match_by_role_and_team():
    people = [("staff", "一班"), ("team_lead", "一班")]
    assert Route("returned", "c").matches([])
    assert Route("returned", "c", team="一班").matches(people)
    assert not Route("returned", "c", team="二班").matches(people)
    assert Route("returned", "c", role="team_lead", team="一班").matches(people)
    assert not Route("returned", "c", role="checker").matches(people)


def test_route_problems():
    assert set(route_problems("nope", "x", "nobody", "", {"c"})) == {"event", "channel", "role"}
    assert route_problems("vote", "c", "", "一班", {"c"}) == {}


def test_dingtalk_signature_is_hmac_sha256_of_timestamp_and_secret_base64_urlencoded():
    expected = base64.b64encode(hmac.new(b"SECx", b"1700000000000\nSECx",
                                         hashlib.sha256).digest()).decode()
    assert urllib.parse.unquote_plus(dingtalk_sign("SECx", 1700000000000)) == expected
    assert "+" not in dingtalk_sign("SECx", 1700000000000)


def test_sms_body_escapes_for_its_type():
    values = {"number": "13912345678", "text": '请"回电" & 谢谢'}
    body = fill_template('{"to": "{number}", "msg": "{text}"}', values, "application/json")
    assert json.loads(body) == {"to": "13912345678", "msg": '请"回电" & 谢谢'}
    form = fill_template("to={number}&msg={text}", values, "application/x-www-form-urlencoded")
    assert urllib.parse.parse_qs(form) == {"to": ["13912345678"], "msg": ['请"回电" & 谢谢']}
