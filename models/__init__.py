"""SQLAlchemy models by area. Importing this package registers every table."""
from .audit import AuditEntry
from .config import Criterion, RouteRule, Setting
from .quality import ContactAttempt, Judgement, Notification, SmsMessage
from .tickets import HandoverEntry, Ticket, TicketSequence
from .users import Team, User

__all__ = ["AuditEntry", "ContactAttempt", "Criterion", "HandoverEntry", "Judgement",
           "Notification", "RouteRule", "Setting", "SmsMessage", "Team", "Ticket",
           "TicketSequence", "User"]
