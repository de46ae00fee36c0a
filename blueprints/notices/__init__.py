"""Warnings (预警), announcements and reminders (公告/提醒), and the bell."""
from flask import Blueprint

bp = Blueprint("notices", __name__)
