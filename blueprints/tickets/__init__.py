"""Filing tickets, the agent's list, the ticket page, and the lead's return/sign actions."""
from flask import Blueprint

bp = Blueprint("tickets", __name__, url_prefix="/tickets")
