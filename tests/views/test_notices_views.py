"""The bell: the unread count on every page and in its poll (read with the signed-in user,
in the same statement), and right after a change the request itself made."""
from extensions import db
from services import alerts

from ._support import element, html, text_of

POLL = {"HX-Request": "true", "HX-Trigger": "bell", "HX-Target": "bell"}


def test_the_bell_counts_unread_alerts_and_the_alerts_page_clears_them(client, auth, make,
                                                                       now):
    agent = make.user()
    alerts.alert([agent.id], "reminder", now=now)
    alerts.alert([agent.id], "announcement", now=now)
    db.session.commit()
    auth.login(agent)
    assert text_of(html(client.get("/")), "bell-count") == "2"
    assert text_of(html(client.get("/alerts/bell", headers=POLL)), "bell-count") == "2"
    # The alerts page marks them read before its layout shows the bell: no stale count.
    page = html(client.get("/alerts"))
    assert element(page, "bell-count") is None
    assert element(html(client.get("/")), "bell-count") is None
    alerts.alert([agent.id], "reminder", now=now)
    db.session.commit()
    assert text_of(html(client.get("/alerts/bell", headers=POLL)), "bell-count") == "1"


def test_a_count_kept_for_the_request_is_dropped_when_the_users_alerts_change(app, make,
                                                                              now):
    agent = make.user()
    db.session.commit()
    with app.test_request_context():
        alerts.remember_count(agent.id, 5)
        assert alerts.unread_count(agent) == 5
        alerts.alert([agent.id], "reminder", now=now)
        db.session.flush()
        assert alerts.unread_count(agent) == 1
