"""个人信息: how long customer data is kept, and a customer's request to anonymise theirs."""
from flask import Blueprint

bp = Blueprint("privacy", __name__)

from . import views  # noqa: E402,F401
