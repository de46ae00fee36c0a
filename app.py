"""Application factory: configuration, extensions, blueprints, security headers, CLI."""
import logging

from flask import Flask, g, request, session
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from config import load_config
from extensions import babel, csrf, db, login_manager, migrate

CSP = ("default-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
       "form-action 'self'")


class RowIdConverter(IntegerConverter):
    """<int:…> in our URLs: a database id, so never beyond a 64-bit integer (404, not 500)."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", 2**63 - 1)
        super().__init__(map, *args, **kwargs)


def create_app(test_config=None):
    app = Flask(__name__, instance_relative_config=True)
    app.url_map.converters["int"] = RowIdConverter
    load_config(app, test_config)
    logging.getLogger("zikong").setLevel(app.config.get("LOG_LEVEL", "INFO"))
    # Auth events (sign-in, refusals …) are INFO/WARNING lines of the app logger: without a
    # level of its own it would inherit the root logger's WARNING outside debug mode.
    app.logger.setLevel(app.config.get("LOG_LEVEL", "INFO"))
    if app.config.get("PROXY_COUNT"):
        # Behind nginx: the client address (sign-in throttling, logs) and scheme come from
        # the X-Forwarded-* headers the trusted proxies set, and only from them.
        proxies = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(app.root_path + "/migrations"),
                     render_as_batch=True)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=_select_locale,
                   timezone_selector=lambda: app.config["TIMEZONE"])
    _init_login(app)

    with app.app_context():
        from services.db import configure_engine, configure_waits
        configure_engine(db.engine)
        configure_waits(db.engine, sqlite_busy_ms=app.config["SQLITE_BUSY_TIMEOUT_MS"],
                        postgres_lock_ms=app.config["POSTGRES_LOCK_TIMEOUT_MS"])

    from blueprints import _access, areas, refusal, ui
    for bp in areas.BLUEPRINTS:
        app.register_blueprint(bp)
    from blueprints.auth.sessions import enforce_limits
    app.before_request(enforce_limits)  # before access control: an expired session is anonymous
    app.before_request(_access.enforce)
    ui.register(app)
    refusal.register(app)  # refused actions: the form's error summary
    app.context_processor(_template_context)
    app.after_request(_security_headers)
    _register_errors(app)

    from cli import register as register_cli
    register_cli(app)
    return app


#: Endpoints that every open tab polls: their user is a models.Poller, not a User.
POLLS = frozenset({"notices.bell"})


def _select_locale():
    from flask import current_app
    lang = session.get("lang")
    return lang if lang in current_app.config["LANGUAGES"] else \
        current_app.config["BABEL_DEFAULT_LOCALE"]


def _init_login(app):
    from sqlalchemy import bindparam, select

    from models import User
    from models.users import Poller
    from services.alerts import UNREAD_OF_USER, remember_count
    from services.appeals import PENDING_VOTES_OF_USER, remember_vote_count
    #: Built once: every request loads its user, and building the statement (or going
    #: through Session.get) cost more than running it. The two counts of the menu come
    #: with it, the bell's and the votes' (one statement less a page).
    by_id = select(User, UNREAD_OF_USER, PENDING_VOTES_OF_USER) \
        .where(User.id == bindparam("user_id"))
    users = User.__table__
    poller_by_id = select(users.c.id, users.c.employee_no, users.c.name, users.c.role,
                          users.c.team_id, users.c.active, users.c.session_version,
                          UNREAD_OF_USER.label("unread")).where(users.c.id == bindparam("user_id"))
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = None
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def load_user(token: str):
        # The cookie carries "id:session_version"; an older version (password changed,
        # account deactivated) no longer signs anyone in.
        try:
            user_id, version = (int(part) for part in token.split(":"))
        except ValueError:
            return None
        if request.endpoint in POLLS:  # the bell's target: docs/decisions.md, issue 20
            row = db.session.connection().execute(poller_by_id,
                                                  {"user_id": user_id}).one_or_none()
            if row is None or not row.active or row.session_version != version:
                return None
            remember_count(user_id, row.unread or 0)
            return Poller(row, token)
        row = db.session.execute(by_id, {"user_id": user_id}).one_or_none()
        if row is None or not row[0].active or row[0].session_version != version:
            return None
        remember_count(user_id, row[1] or 0)
        remember_vote_count(user_id, row[2] or 0)
        return row[0]

    @login_manager.unauthorized_handler
    def unauthorized():
        from flask import url_for

        from blueprints._htmx import hx_redirect, is_htmx
        target = url_for("auth.login", next=request.full_path if not is_htmx() else None)
        return hx_redirect(target)


def _template_context():
    from flask import current_app

    from blueprints.ui import request_language
    return {"current_locale": request_language(), "languages": current_app.config["LANGUAGES"],
            "nav_active": g.get("nav_active"), "pending_votes": _pending_votes,
            "alert_count": _alert_count}


def _alert_count() -> int:
    from services.alerts import unread_count
    return unread_count(current_user) if current_user.is_authenticated else 0


def _pending_votes() -> int:
    """Ballots waiting for the signed-in user (the badge beside 投票 in the menu)."""
    from services.appeals import pending_vote_count
    if not current_user.is_authenticated or current_user.role == "admin":
        return 0
    return pending_vote_count(current_user)


def _security_headers(response):
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CSP)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    if current_user.is_authenticated and request.endpoint != "static":
        headers["Cache-Control"] = "no-store"
    return response


def _register_errors(app):
    def page(status, title, message):
        from blueprints._htmx import render
        return render("errors/error.html", "error_body", status=status, status_code=status,
                      title=title, message=message)

    from flask_babel import gettext as _

    @app.errorhandler(400)
    def bad_request(_e):
        return page(400, _("Bad request"), _("The request could not be understood."))

    @app.errorhandler(CSRFError)
    def csrf_error(_e):
        return page(400, _("Form expired"),
                    _("The form was open too long or came from elsewhere. "
                      "Go back, reload the page and try again."))

    from domain.errors import Conflict, InvalidTransition, NotAllowed, NotFound
    from services.security import auth_event

    def refused(status):
        """Log a signed-in user refused by role (403) or by scope (404 on a known route:
        another team's ticket, an id that does not exist — the same answer for both)."""
        if current_user.is_authenticated and request.endpoint not in (None, "static"):
            auth_event("access_denied", level="warning", status=status,
                       user=current_user.employee_no, endpoint=request.endpoint)

    @app.errorhandler(NotFound)
    def domain_not_found(_e):
        return not_found(_e)

    @app.errorhandler(NotAllowed)
    @app.errorhandler(403)
    def forbidden(_e):
        refused(403)
        return page(403, _("Not permitted"), _("Your role may not open this page."))

    @app.errorhandler(410)
    def gone(_e):
        return page(410, _("Deleted"), _("This was deleted when its retention period ended."))

    @app.errorhandler(404)
    def not_found(_e):
        refused(404)
        return page(404, _("Not found"), _("There is no such page, or you may not see it."))

    @app.errorhandler(Conflict)
    @app.errorhandler(InvalidTransition)
    @app.errorhandler(409)
    def conflict(_e):
        # Views answer refused moves themselves; this is the safety net for any that do not.
        db.session.rollback()
        return page(409, _("Changed in the meantime"),
                    _("Someone changed this at the same moment, or it no longer allows that "
                      "action. Reload the page to see its latest state."))

    @app.errorhandler(429)
    def too_many(_e):
        return page(429, _("Too many attempts"),
                    _("Too many requests in a short time. Wait a few minutes and try again."))

    @app.errorhandler(405)
    def not_allowed(_e):
        return page(405, _("Not allowed"), _("This address does not take that kind of request."))

    @app.errorhandler(413)
    def too_large(_e):
        return page(413, _("Too large"), _("What you sent is larger than allowed."))

    from blueprints._busy import answer_busy
    from services.db import Busy
    app.register_error_handler(Busy, answer_busy)

    @app.errorhandler(500)
    def server_error(_e):
        db.session.rollback()
        return page(500, _("Something went wrong"),
                    _("The error has been logged. Please try again in a moment."))
