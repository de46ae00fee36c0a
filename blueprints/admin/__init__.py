"""Administration: users, teams and roles (IT only; no ticket data here)."""
from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from . import integrations, views  # noqa: E402,F401
