"""The case library (案例库): cases written from judged tickets, search, reading, editing."""
from flask import Blueprint

bp = Blueprint("cases", __name__)
