"""Local times on the pages: the fast numeric formatter gives exactly what Babel gives, in
both languages, and patterns with names in them still go through Babel."""
from datetime import datetime

import pytest
from flask import Flask
from flask_babel import Babel, force_locale, format_datetime

from blueprints.ui.formats import _strftime_pattern, localtime
from services.clock import to_local

PATTERNS = ["HH:mm", "HH:mm:ss", "MM-dd", "MM-dd HH:mm", "yyyy-MM-dd", "yyyy-MM-dd HH:mm",
            "yyyy-MM-dd HH:mm:ss", "EEE HH:mm", "yyyy年M月d日", "d MMM"]
# A stored UTC moment just before local midnight, and one that crosses a year locally.
MOMENTS = [datetime(2026, 3, 4, 15, 59, 7), datetime(2025, 12, 31, 16, 0, 0)]


@pytest.fixture
def context():
    app = Flask(__name__)
    app.config.update(TIMEZONE="Asia/Shanghai", BABEL_DEFAULT_TIMEZONE="Asia/Shanghai")
    Babel(app)
    with app.test_request_context():
        yield


@pytest.mark.parametrize("locale", ["zh_Hans_CN", "en"])
@pytest.mark.parametrize("pattern", PATTERNS)
def test_localtime_matches_babel(context, locale, pattern):
    with force_locale(locale):
        for moment in MOMENTS:
            assert localtime(moment, pattern) == format_datetime(to_local(moment), pattern,
                                                                 rebase=False)


def test_local_day_and_time_are_shanghai():
    with Flask(__name__).app_context() as ctx:
        ctx.app.config["TIMEZONE"] = "Asia/Shanghai"
        assert localtime(datetime(2025, 12, 31, 16, 0, 0), "yyyy-MM-dd HH:mm") == \
            "2026-01-01 00:00"
        assert localtime(None) == ""


def test_only_numeric_patterns_take_the_fast_path():
    assert _strftime_pattern("MM-dd HH:mm") == "%m-%d %H:%M"
    for named in ("EEE HH:mm", "d MMM", "yyyy年M月d日", "h:mm a", "yyyy-MM-dd'T'HH"):
        assert _strftime_pattern(named) is None
