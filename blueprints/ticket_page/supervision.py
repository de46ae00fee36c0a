"""The ticket page's 督办 section (templates/tickets/_supervision.html)."""
from flask_login import current_user

from blueprints.supervision.forms import OrderForm
from services import supervision as service
from services.clock import utcnow


def ticket_section(ticket, page, order_form=None) -> dict | None:
    """Its orders (one query, only when the ticket has some) and the form for those who may
    issue one; None when there is nothing to show."""
    orders = service.orders_of_ticket(ticket.id) if page.has_orders else []
    if order_form is None and service.may_issue(ticket, current_user):
        order_form = OrderForm(formdata=None)
    if not orders and order_form is None:
        return None
    return {"orders": orders, "form": order_form, "now": utcnow(),
            "addressee": service.addressee}
