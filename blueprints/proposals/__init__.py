"""Proposals sent up (建议上报): written from the dashboard, a warning or a feedback note;
acknowledged and decided by the group head and the site head."""
from flask import Blueprint

bp = Blueprint("proposals", __name__)
