"""Output escaping (SECURITY.md, input and output): XSS payloads typed into every free-text
field of every form are shown as inert text on every page and fragment that displays them.

Each field gets the payload plus a short tag naming the field, so the test also proves that
every value really is displayed somewhere (escaped) — not merely absent."""
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from markupsafe import escape
from sqlalchemy import select

from domain.roles import Role
from extensions import db
from models import Notification, Ticket, User
from services.clock import to_local, utcnow

from tests.views._support import version_of

from ._urls import example_path

PAYLOADS = [
    "<script>alert(1)</script>",
    '" onmouseover="x',
    "javascript:alert(1)",
    '<div hx-get="/admin/users" hx-trigger="load">',
]

#: Two values carry all four payloads, so that each fits the 64-character fields with a tag.
COMBINED = [PAYLOADS[0] + " " + PAYLOADS[2], PAYLOADS[1] + PAYLOADS[3]]

URL_ATTRIBUTES = {"href", "src", "action", "formaction", "hx-get", "hx-post", "hx-put",
                  "hx-delete", "hx-patch", "data", "poster", "srcdoc"}


class Inspector(HTMLParser):
    """Collects everything in a page that could run script or fire a request by itself."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems = []
        self.in_script = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script":
            self.in_script = True
            if "src" not in attrs:
                self.problems.append("inline <script>")
        for name, value in attrs.items():
            value = (value or "").strip().lower()
            if name.startswith("on"):
                self.problems.append(f"event handler attribute {name}")
            if name in URL_ATTRIBUTES and value.replace("\t", "").startswith(
                    ("javascript:", "vbscript:", "data:text/html")):
                self.problems.append(f"{name}={value!r}")
            if name.startswith(("hx-on", "data-hx-on")) or value.startswith("js:"):
                self.problems.append(f"htmx script attribute {name}")
        if attrs.get("hx-trigger", "").strip() == "load" and "/admin" in attrs.get("hx-get", ""):
            self.problems.append("injected hx-get on load")

    def handle_endtag(self, tag):
        if tag == "script":
            self.in_script = False

    def handle_data(self, data):
        if self.in_script and data.strip():
            self.problems.append("script content")


def inert_problems(page: str, payload: str) -> list[str]:
    inspector = Inspector()
    inspector.feed(page)
    problems = list(inspector.problems)
    for part in PAYLOADS:
        if part in payload and ("<" in part or '"' in part) and part in page:
            problems.append(f"payload unescaped: {part}")
    return problems


FIELDS = ("user_name", "team", "team2", "complaint", "demand", "return_note", "lead_name",
          "result", "attempt", "sms", "escalate", "basis", "reply", "remarks", "transfer",
          "criterion", "sms_notice", "sms_reply", "decision")


def field_tags(payload):
    """Field -> the value typed into it: the payload and a one-letter tag (64 characters at
    most, the shortest field limit)."""
    tags = {name: f"{payload} {chr(ord('a') + n)}" for n, name in enumerate(FIELDS)}
    assert max(len(value) for value in tags.values()) <= 64
    # the forbidden-word list is split at spaces; one word that no SMS below contains
    tags["word"] = payload.replace(" ", "") + "#word"
    return tags


@pytest.fixture(params=COMBINED, ids=["script+javascript-url", "attribute+htmx"])
def payload(request):
    return request.param


def posted(response, *expected):
    assert response.status_code in expected, response.get_data(as_text=True)[:400]
    return response


@pytest.fixture
def world(app, client, auth, make, payload):
    """Everything typed through the forms, as the people who type it."""
    t = field_tags(payload)
    admin = make.user(Role.ADMIN)
    auth.login(admin)
    posted(client.post("/admin/users/new", data={
        "employee_no": "300901", "name": t["user_name"], "role": "staff", "team": t["team"],
        "password": "secret-123", "active": "y"}), 303)
    posted(client.post("/admin/teams", data={"name": t["team2"]}), 303)
    config = {"review_hours": 2, "reply_hours": 48, "follow_up_days": 3, "appeal_hours": 72,
              "sms_notice_template": t["sms_notice"], "sms_reply_template": t["sms_reply"],
              "sms_forbidden_words": "成立 不成立 " + t["word"]}
    posted(client.post("/admin/configuration", data=config), 303)
    posted(client.post("/admin/criteria", data={"code": "X9", "kind": "attitude",
                                                "text": t["criterion"], "active": "y"}), 303)
    # invalid values come back in the form (a reflection point)
    posted(client.post("/admin/routing", data={"prefix": payload, "group": "front"}), 422)
    auth.logout()

    agent = db.session.scalar(select(User).where(User.employee_no == "300901"))
    lead = make.user(Role.TEAM_LEAD, team=agent.team.name)
    checker = make.user(Role.CHECKER)
    people = {Role.STAFF: agent, Role.TEAM_LEAD: lead, Role.CHECKER: checker, Role.ADMIN: admin}
    for role in (Role.OWNER, Role.DUTY_MANAGER, Role.GROUP_HEAD, Role.SITE_HEAD):
        people[role] = make.user(role)

    auth.login(agent, password="secret-123")
    ticket_form = {"caller_number": "13812345678", "contact_number": "13912345678",
                   "complaint": t["complaint"], "demand": t["demand"], "accused_no": "110234"}
    first = int(posted(client.post("/tickets/new", data=ticket_form), 303)
                .headers["Location"].rsplit("/", 1)[1])
    second = int(posted(client.post("/tickets/new", data={**ticket_form, "accused_no": "180123"}),
                        303).headers["Location"].rsplit("/", 1)[1])
    auth.logout()

    auth.login(lead)
    posted(client.post(f"/tickets/{first}/return", data={
        "elements": ["demand"], "note": t["return_note"],
        "version": version_of(Ticket, first)}), 303)
    auth.logout()
    auth.login(agent, password="secret-123")
    posted(client.post(f"/tickets/{first}/edit", data={
        **ticket_form, "version": version_of(Ticket, first)}), 303)
    auth.logout()
    auth.login(lead)
    for ticket_id in (first, second):
        posted(client.post(f"/tickets/{ticket_id}/sign",
                           data={"version": version_of(Ticket, ticket_id)}), 303)
    auth.logout()

    auth.login(checker)
    for ticket_id in (first, second):
        posted(client.post(f"/tickets/{ticket_id}/claim",
                           data={"version": version_of(Ticket, ticket_id)}), 303)
    an_hour_ago = f"{to_local(utcnow() - timedelta(hours=1)):%Y-%m-%dT%H:%M}"
    posted(client.post(f"/tickets/{first}/notifications", data={
        "called_at": an_hour_ago, "other_lead_name": t["lead_name"]}), 303)
    notification = db.session.scalar(select(Notification.id))
    posted(client.post(f"/notifications/{notification}", data={  # fields prefixed by row
        f"n{notification}-tracking": "handling", f"n{notification}-result": t["result"]}), 303)
    posted(client.post(f"/tickets/{first}/attempts", data={
        "at": an_hour_ago, "reached": "no", "note": t["attempt"]}), 303)
    posted(client.post(f"/tickets/{first}/sms", data={"kind": "notice", "text": t["sms"]}), 303)
    posted(client.post(f"/tickets/{first}/escalate", data={"note": t["escalate"]}), 303)
    auth.logout()
    auth.login(people[Role.DUTY_MANAGER])
    posted(client.post(f"/tickets/{first}/reply-decision", data={
        "method": "other", "replier": str(checker.id), "note": t["decision"]}), 303)
    auth.logout()
    auth.login(checker)
    posted(client.post(f"/tickets/{first}/judge", data={
        "kind": "attitude", "verdict": "not_established", "basis": t["basis"],
        "version": version_of(Ticket, first)}), 303)
    posted(client.post(f"/tickets/{first}/reply", data={"method": "other", "note": t["reply"]}),
           303)
    posted(client.post(f"/tickets/{second}/return-to-lead", data={
        "reason": "R1", "remarks": t["remarks"], "version": version_of(Ticket, second)}), 303)
    transferred = posted(client.post("/tickets/transferred/new", data={
        **ticket_form, "accused_no": "180456", "source": "back",
        "complaint": t["transfer"]}), 303)
    assert transferred
    auth.logout()
    ids = {"ticket_id": list(db.session.scalars(select(Ticket.id))),
           "user_id": [agent.id, lead.id], "notification_id": [notification]}
    return people, ids, t


def urls(app, ids, payload):
    """Every GET page of the app with each id, plus the reflecting query parameters."""
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static" or \
                rule.rule.endswith((".xlsx", ".csv", ".pdf")):
            continue  # downloads are not rendered as pages
        known = [name for name in rule.arguments if name in ids]
        if not known:
            yield example_path(app, rule)
        else:
            for value in ids[known[0]]:
                yield example_path(app, rule, **{known[0]: value})
    for query in ("/quality?q={p}", "/tickets/?state={p}", "/login?next={p}",
                  "/handover?day={p}", "/whitelist-handover?day={p}", "/quality?state={p}",
                  "/reply-records?team={p}&method={p}&from={p}",
                  "/reply-records/print?checker={p}&verdict={p}"):
        yield query.format(p=payload)


FRAGMENT_ROLES = {Role.CHECKER}
#: Pages a group head sees are those of a duty manager (minus escalations): not crawled twice.
SAME_AS_OTHERS = {Role.GROUP_HEAD}


def test_payloads_render_inert_everywhere(app, client, auth, world, payload):
    people, ids, tags = world
    shown = {tag: False for tag in tags}
    pages = 0
    for role, person in people.items():
        if role in SAME_AS_OTHERS:
            continue
        password = "secret-123" if person.employee_no == "300901" else None
        auth.login(person, **({"password": password} if password else {}))
        # fragments are blocks of the same templates: ask for them as the role whose pages
        # have the most of them, full pages as everyone
        variants = ({}, {"HX-Request": "true"}) if role in FRAGMENT_ROLES else ({},)
        for url in urls(app, ids, payload):
            for headers in variants:
                response = client.get(url, headers=headers)
                if response.status_code in (301, 302, 303, 204) or \
                        response.mimetype != "text/html":
                    continue  # redirects, and downloads (not rendered by the browser)
                page = response.get_data(as_text=True)
                problems = inert_problems(page, payload)
                assert problems == [], (role.value, url, headers, problems)
                pages += 1
                for name, value in tags.items():
                    if str(escape(value)) in page:
                        shown[name] = True
        auth.logout()
    assert pages > 100
    # every value typed was displayed somewhere, escaped
    assert [name for name, seen in shown.items() if not seen] == []


def test_a_looked_up_number_comes_back_inert(client, auth, make, payload):
    """The reply-script look-up is posted: its reflection point is the POST's answer."""
    _lead, agent = make.team_with_lead()
    auth.login(agent)
    page = client.post("/tickets/lookup", data={"phone": payload}).get_data(as_text=True)
    assert inert_problems(page, payload) == []
    assert str(escape(payload)) in page            # shown back, escaped, beside its message


def test_the_inspector_catches_what_it_must():
    """The checks above would fail on a page that let a payload through."""
    for payload in PAYLOADS[:2] + PAYLOADS[3:]:
        assert inert_problems(f"<p>{payload}</p>", payload)
    for payload in COMBINED:
        assert inert_problems(f"<p>{payload}</p>", payload)
    assert inert_problems('<a href="javascript:alert(1)">x</a>', "javascript:alert(1)")
    assert inert_problems('<a href=" JavaScript:alert(1)">x</a>', "x")
    assert inert_problems('<p title="" onmouseover="x">', "x")
    assert inert_problems('<div hx-on:click="alert(1)">', "x")
    assert not inert_problems(f"<p>{escape(PAYLOADS[3])}</p><a href=\"/x\">javascript:alert(1)"
                              "</a>", PAYLOADS[3])
