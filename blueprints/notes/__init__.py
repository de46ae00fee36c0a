"""Feedback notes (服务反馈便签): posted by agents and leads, reviewed the next morning."""
from flask import Blueprint

bp = Blueprint("notes", __name__)
