"""The KPI dashboard (报表) and the exports of the paper forms."""
from flask import Blueprint

bp = Blueprint("reports", __name__)
