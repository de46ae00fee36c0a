"""Supervision orders (督办单): issued from the ticket page, listed, answered, printed."""
from flask import Blueprint

bp = Blueprint("supervision", __name__)
