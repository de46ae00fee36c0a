"""Configurable values the admin edits in the browser (time limits, SMS wording, verdict
words), read once per request and audited when changed."""
import json
from dataclasses import asdict, fields

from flask import g, has_request_context
from sqlalchemy import select

from domain import sla
from domain.sms import DEFAULT_FORBIDDEN
from domain.problems import DEFAULT_LIMITS, limits_as_setting
from domain.survey import THRESHOLD
from models import Setting

from . import audit
from .db import db, write_transaction

DEFAULTS = {
    # Weekly warning rule (SPEC §8) and keyword monitor (Part C)
    "warning_ratio": 1.3,
    "warning_min": 3,
    "keyword_jump": 0.4,
    "monitor_keywords": ["态度", "骂", "挂断", "乱收费", "推诿"],
    "limits": asdict(sla.Limits()),
    "sms_forbidden_words": list(DEFAULT_FORBIDDEN),
    "sms_notice_template": ("您好，我们就您反映的问题致电未能联系上您，"
                            "请方便时致电10010查询处理结果。"),
    "sms_reply_template": "您好，您反映的问题已处理完毕，请致电10010查询处理结果。感谢您的监督。",
    # How long customer data is kept after a ticket ends or a contact's cycle ends, and the
    # audio excerpts after the ticket ends (services/privacy.py).
    "retention": {"contact_days": 180, "audio_days": 365},
    # The wallboard's thresholds (domain.wallboard.INDICATORS): a figure above turns red.
    "wallboard_thresholds": {},
    # 复审代理人: the employee no. of the owner or group head who re-judges an appeal when no
    # owner may (the only owner judged it); "" means the group heads.
    "rejudge_deputy": "",
    # "Open in recording system" link: an address with {id} for the call's reference; "" none.
    "recording_url_template": "",
    # Survey and callback (Part B): the remedy clock's holidays and make-up working days
    # (ISO dates); the one dissatisfaction threshold (a score below it needs the reason and
    # opens the remedy task; the KPI bands follow from it); the problem grades' time limits;
    # the closing lines of seed 000; the monthly analysis's satisfaction floor (percent).
    "survey_calendar": {"holidays": [], "workdays": []},
    "survey_threshold": THRESHOLD,
    "problem_limits": limits_as_setting(DEFAULT_LIMITS),
    "survey_closings": {
        "recorded": "您的问题已经帮您记录下来了，之后会有我们的回访人员联系您，"
                    "请您保持联系方式的畅通，以便回访专员能够联系到您。",
        "goodbye": "非常抱歉打扰到您，祝您生活愉快，再见！"},
    "analysis_satisfaction_min": 80,
    # Directory groups -> Zikong role and team (services/directory.py): rows of
    # {"group": DN, "role": role, "team": team name or ""}.
    "directory_groups": [],
    # Which events go to which notification channel (services/notify): rows of
    # {"event": kind, "channel": name, "role": role or "", "team": team name or ""}.
    "notify_routes": [],
}


#: Keys and stored texts only: the ticket page reads them on every view, and loading the rows
#: as objects cost twice as much as the page's own look-ups.
_STORED = select(Setting.key, Setting.value)


def _all() -> dict:
    cached = g.get("_zikong_settings") if has_request_context() else None
    if cached is not None:
        return cached
    values = dict(DEFAULTS)
    for key, value in db.session.execute(_STORED):
        values[key] = json.loads(value)
    if has_request_context():
        g._zikong_settings = values
    return values


def get(key: str):
    return _all()[key]


def limits() -> sla.Limits:
    stored = get("limits")
    known = {f.name for f in fields(sla.Limits)}
    return sla.Limits(**{k: int(v) for k, v in stored.items() if k in known})


def update(values: dict, *, actor, now, action: str = "settings_update",
           detail: dict | None = None) -> None:
    """Store changed values; one audit entry (`action`) names the keys that changed, with
    `detail`."""
    with write_transaction():
        current = _all()
        changed = [k for k, v in values.items() if k in DEFAULTS and current.get(k) != v]
        for key in changed:
            row = db.session.get(Setting, key)
            if row is None:
                row = Setting(key=key)
                db.session.add(row)
            row.value = json.dumps(values[key], ensure_ascii=False)
            row.updated_at = now
            row.updated_by_id = actor.id
        if changed:
            audit.record(action, actor=actor, now=now, detail={"keys": changed, **(detail or {})})
    g.pop("_zikong_settings", None) if has_request_context() else None
