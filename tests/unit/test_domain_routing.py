"""Routing by the accused agent's employee no.: the default table of SPEC §4."""
import pytest

from domain.routing import DEFAULT_RULES, NOTIFY_NUMBERS, Group, Rule, needs_notification, route
from domain.sms import forbidden_words_in


@pytest.mark.parametrize("employee_no, group", [
    ("170001", Group.FRONT), ("180123", Group.FRONT), ("200101", Group.FRONT),
    ("291234", Group.FRONT), ("100001", Group.BACK), ("110234", Group.BACK),
    ("120000", Group.BACK), ("139999", Group.BACK), ("800912", Group.LINE_8200),
    ("350001", Group.LINE_9696),
    ("100160", Group.BACK),       # prefix 10 (a 10016 agent has another no.)
    ("300001", None), ("190001", None), ("800112", None), ("140000", None), ("", None),
    (None, None)])
def test_default_table(employee_no, group):
    assert route(employee_no, DEFAULT_RULES) == group


def test_longest_prefix_wins():
    rules = [Rule("10", Group.BACK), Rule("1001", Group.FRONT), Rule("100", Group.LINE_9696)]
    assert route("100123", rules) == Group.FRONT
    assert route("100523", rules) == Group.LINE_9696
    assert route("105523", rules) == Group.BACK


def test_who_to_call():
    assert NOTIFY_NUMBERS == {Group.BACK: "89087814", Group.LINE_8200: "89080369",
                              Group.LINE_9696: "89086326"}
    assert not needs_notification(Group.FRONT)
    assert not needs_notification(None)
    assert all(needs_notification(g) for g in NOTIFY_NUMBERS)


@pytest.mark.parametrize("text, found", [
    ("您好，请致电10010查询处理结果。", []),
    ("您的投诉成立，我们将处理。", ["成立"]),
    ("经核实投诉不成立。", ["成立", "不成立"]),
    ("已完成判责", ["判责"]),
    ("员工责任已确认", ["责任"]),
    ("投诉成 立", ["成立"]),          # a space does not hide it
])
def test_sms_guard(text, found):
    assert forbidden_words_in(text) == found


def test_sms_guard_uses_the_configured_list():
    assert forbidden_words_in("处理结果：满意", ["满意"]) == ["满意"]
    assert forbidden_words_in("处理结果：成立", []) == []
