"""The bell: the unread count on every page and in its poll (read with the signed-in user,
in the same statement), and right after a change the request itself made."""
from extensions import db
from services import alerts

from ._support import element, html, text_of

POLL = {"HX-Request": "true", "HX-Trigger": "bell", "HX-Target": "bell"}


def test_the_bell_counts_unread_alerts_and_marking_them_read_clears_it(client, auth, make,
                                                                         now):
    agent = make.user()
    alerts.alert([agent.id], "reminder", now=now)
    alerts.alert([agent.id], "announcement", now=now)
    db.session.commit()
    auth.login(agent)
    assert text_of(html(client.get("/")), "bell-count") == "2"
    assert text_of(html(client.get("/alerts/bell", headers=POLL)), "bell-count") == "2"
    # Opening the page only shows them (a GET changes nothing: a link from another site
    # must not clear someone's unread "vote to cast").
    page = html(client.get("/alerts"))
    assert text_of(page, "bell-count") == "2" and "全部标为已读" in page
    assert alerts.unread_count(agent) == 2
    answer = client.post("/alerts/read")
    assert answer.status_code == 303 and answer.headers["Location"] == "/alerts"
    page = html(client.get("/alerts"))
    assert element(page, "bell-count") is None and "全部标为已读" not in page
    alerts.alert([agent.id], "reminder", now=now)
    db.session.commit()
    assert text_of(html(client.get("/alerts/bell", headers=POLL)), "bell-count") == "1"


def test_one_alert_is_marked_read_and_only_the_users_own(client, auth, make, now):
    agent, other = make.user(), make.user()
    alerts.alert([agent.id], "reminder", now=now)
    alerts.alert([agent.id], "announcement", now=now)
    alerts.alert([other.id], "reminder", now=now)
    db.session.commit()
    mine = [a.id for a in alerts.recent_alerts(agent)]
    (theirs,) = [a.id for a in alerts.recent_alerts(other)]
    auth.login(agent)
    assert "标为已读" in text_of(html(client.get("/alerts")), f"alert-{mine[0]}")
    assert client.post("/alerts/read", data={"alert": mine[0]}).status_code == 303
    page = html(client.get("/alerts"))
    assert text_of(page, "bell-count") == "1"
    assert "标为已读" not in text_of(page, f"alert-{mine[0]}")
    assert "标为已读" in text_of(page, f"alert-{mine[1]}")
    assert client.post("/alerts/read", data={"alert": theirs}).status_code == 303
    db.session.rollback()
    assert (alerts.unread_count(agent), alerts.unread_count(other)) == (1, 1)


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


def test_the_poll_signs_out_whoever_a_page_would(client, auth, make):
    """The poll reads its user without the User object (models.Poller), with the same
    checks: a deactivated account or a cookie from before a password change gets no count
    but the way to the sign-in page."""
    agent, other = make.user(), make.user()
    db.session.commit()
    for user, change in ((agent, "deactivated"), (other, "password changed")):
        auth.login(user)
        assert client.get("/alerts/bell", headers=POLL).status_code == 200
        if change == "deactivated":
            user.active = False
        else:
            user.session_version += 1
        db.session.commit()
        answer = client.get("/alerts/bell", headers=POLL)
        assert answer.status_code == 204, change
        assert answer.headers["HX-Redirect"].startswith("/login"), change
        assert client.get("/").status_code == 303, change


def test_a_poll_signs_in_the_users_columns_and_a_page_the_user(app, make):
    """The bell's poll gets a models.Poller with what the access check, the log and an
    error page read; any other page gets the User."""
    from models.users import Poller
    lead = make.user(role="team_lead")
    db.session.commit()
    load = app.login_manager._user_callback
    with app.test_request_context("/alerts/bell"):
        poller = load(lead.get_id())
    assert isinstance(poller, Poller)
    assert (poller.id, poller.name, poller.employee_no, poller.role, poller.role_enum,
            poller.team_id, poller.get_id()) == \
        (lead.id, lead.name, lead.employee_no, "team_lead", lead.role_enum, lead.team_id,
         lead.get_id())
    assert poller.is_authenticated and poller.is_active and not poller.is_anonymous
    with app.test_request_context("/"):
        assert load(lead.get_id()) is lead
