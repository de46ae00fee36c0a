"""Dissatisfied-customer survey and callback (不满意调研与回访, SPEC Part B): one view module per
sub-area, all on this blueprint: queues (the weekly survey and callback queues), contacts (the
contact page and its actions, a contact from a ticket), imports, remedies, kpis (and the
exports), audits (the owner's sample audit) and config."""
from flask import Blueprint

bp = Blueprint("survey", __name__)
