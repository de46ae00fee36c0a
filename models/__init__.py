"""SQLAlchemy models by area. Importing this package registers every table."""
from .audit import AuditEntry
from .tickets import HandoverEntry, Ticket, TicketSequence
from .users import Team, User

__all__ = ["AuditEntry", "HandoverEntry", "Team", "Ticket", "TicketSequence", "User"]
