"""The quality team's work: queue, claim, routing and notifications, judgement, the customer
reply record and its decisions; the lead's confirmation of a returned ticket; the whitelist
handover table and the reply record as forms."""
from flask import Blueprint

bp = Blueprint("quality", __name__)
