"""The risk register (风险登记): the four-quadrant chart, adding and editing risks."""
from flask import Blueprint

bp = Blueprint("risks", __name__)
