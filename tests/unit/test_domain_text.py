"""Free text that others read: direction controls found and removed, numbers masked."""
import pytest

from domain.text import BIDI_CONTROLS, has_bidi_controls, mask_numbers, strip_bidi_controls

SPOOFED = "退款\u202e321\u202c元"   # shows as 退款123元


@pytest.mark.parametrize("control", sorted(BIDI_CONTROLS))
def test_each_direction_control_is_found_and_removed(control):
    text = f"张{control}三"
    assert has_bidi_controls(text)
    assert strip_bidi_controls(text) == "张三"


def test_the_set_covers_overrides_isolates_and_marks():
    expected = {*map(chr, range(0x202A, 0x202F)), *map(chr, range(0x2066, 0x206A)),
                "\u200e", "\u200f", "\u061c"}
    assert BIDI_CONTROLS == expected


def test_ordinary_text_is_left_alone():
    for text in ("张三", "Zhang San", "客户：“为什么扣费？” 01:20", "ZK-20261123-0001", ""):
        assert not has_bidi_controls(text)
        assert strip_bidi_controls(text) == text
    assert strip_bidi_controls(SPOOFED) == "退款321元"
    assert has_bidi_controls(None) is False and strip_bidi_controls(None) is None


def test_numbers_in_free_text_are_masked_and_ticket_numbers_kept():
    assert mask_numbers("客户另留号码 138 1234 5678，见 ZK-20261123-0001") == \
        "客户另留号码 138****5678，见 ZK-20261123-0001"
