"""The ticket page (工单页), shared by every area whose actions are taken on it: loading a ticket
for the signed-in user, the panels (quality, appeal, evidence, supervision) with the forms this
user may use now, and the rendering. Each area's views handle their own forms' posts and
answer with this page; no area imports another's views."""
from .page import VIEWERS, load_page, load_ticket, show_ticket

__all__ = ["VIEWERS", "load_page", "load_ticket", "show_ticket"]
