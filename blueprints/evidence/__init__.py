"""Recording evidence (录音证据): the recording-system reference of a ticket's call and audio
excerpts, played in the ticket and vote pages."""
from flask import Blueprint

bp = Blueprint("evidence", __name__)
