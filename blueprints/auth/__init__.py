"""Sign-in, sign-out, language and own password."""
from flask import Blueprint

bp = Blueprint("auth", __name__)
