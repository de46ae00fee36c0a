"""SQLAlchemy models by area. Importing this package registers every table."""
from .appeals import Appeal, Ballot, Objection, PanelMember
from .audit import AuditEntry
from .cases import Case, Risk  # noqa: F401  (case library, risk register)
from .config import Criterion, RouteRule, Setting
from .evidence import AudioExcerpt, RecordingRef
from .notices import Alert, Announcement, AnnouncementRecipient, EarlyWarning
from .outbox import OutboxMessage, Reminder
from .quality import ContactAttempt, Judgement, Notification, SmsMessage
from .security import LoginFailure
from .supervision import SupervisionOrder
from .proposals import Proposal, ProposalReview
from .notes import FeedbackNote
from . import survey  # noqa: F401  (dissatisfied-customer survey and callback, Part B)
from . import callbacks  # noqa: F401  (its problems, rankings, monthly analysis; issue 17)
from .tickets import HandoverEntry, Ticket, TicketSequence
from .users import Team, User
from .wallboard import WallboardScreen

__all__ = ["Appeal", "AuditEntry", "ContactAttempt", "Criterion", "HandoverEntry", "Judgement",
           "LoginFailure",
           "PanelMember", "Ballot", "Objection", "Alert", "Announcement",
           "AnnouncementRecipient", "EarlyWarning", "FeedbackNote", "Proposal", "ProposalReview",
           "SupervisionOrder",
           "Notification", "RouteRule", "Setting", "SmsMessage", "Team", "Ticket",
           "TicketSequence", "User", "WallboardScreen", "AudioExcerpt", "RecordingRef",
           "OutboxMessage", "Reminder"]
