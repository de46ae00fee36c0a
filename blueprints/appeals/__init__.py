"""Appeals (判责异议单), re-judgement, the panel, the anonymous vote and the site head's ruling."""
from flask import Blueprint

bp = Blueprint("appeals", __name__)
