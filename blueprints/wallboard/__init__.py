"""The wallboard (大屏): the floor's live figures on a big screen, and its set-up."""
from flask import Blueprint

bp = Blueprint("wallboard", __name__)

from . import views  # noqa: E402,F401
