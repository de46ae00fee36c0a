"""Customer phone numbers: what agents type, what lists show."""
import pytest

from domain.people import is_employee_no
from domain.phones import mask_phone, normalize_phone


@pytest.mark.parametrize("raw, expected", [
    ("13812345678", "13812345678"),
    ("138 1234 5678", "13812345678"),
    ("138-1234-5678", "13812345678"),
    ("+86 138 1234 5678", "13812345678"),
    ("+8613812345678", "13812345678"),
    ("0755-83456789", "075583456789"),
    ("8908781", "8908781"),
    ("020 87654321", "02087654321"),
    ("4008001234", "4008001234"),      # 400 service number
    ("1259123", "1259123"),            # 7-digit short number
    ("＋８６ １３８１２３４５６７８", "13812345678"),  # full-width, from a Chinese IME
])
def test_valid_numbers_are_normalised(raw, expected):
    assert normalize_phone(raw) == expected


@pytest.mark.parametrize("raw", [
    "", "   ", "12812345678",   # 11 digits starting 12: not a mobile
    "123456", "0755834567890",  # too short / too long
    "138-1234-567", "138123456789",  # a mobile with a digit missing / doubled
    "13812345abc", "+85213812345678", "138.1234.5678", "138１２３４abcd",
])
def test_malformed_numbers_are_refused(raw):
    assert normalize_phone(raw) is None


@pytest.mark.parametrize("number, masked", [
    ("13812345678", "138****5678"),
    ("075583456789", "075*****6789"),
    ("8908781", "89***81"),
    ("", ""),
])
def test_masking(number, masked):
    assert mask_phone(number) == masked


@pytest.mark.parametrize("value, ok", [
    ("1001", True), ("1234567890", True), ("123", False), ("12345678901", False),
    ("12a4", False), ("", False), (None, False), ("１２３４", False)])
def test_employee_numbers(value, ok):
    assert is_employee_no(value) is ok
