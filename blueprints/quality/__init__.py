"""The quality team's work: queue, claim, routing and notifications, judgement, the customer
reply record; the lead's confirmation of a returned ticket; the whitelist handover table."""
from flask import Blueprint

bp = Blueprint("quality", __name__)

from . import views  # noqa: E402,F401
