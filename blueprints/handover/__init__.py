"""The lead's review queue and the lead/quality handover table (交接表)."""
from flask import Blueprint

bp = Blueprint("handover", __name__)
