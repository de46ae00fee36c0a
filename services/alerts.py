"""The bell: alerts written inside the transaction of the change that causes them, read with
one indexed count per poll."""
from datetime import datetime

from sqlalchemy import bindparam, func, select, update

from domain.roles import Role
from models import Alert, User

from . import outbox
from .db import db, read_memo, write_transaction


def alert(user_ids, kind: str, *, ticket=None, ref_id: int | None = None,
          now: datetime) -> None:
    """Queue an alert for each user, inside the caller's transaction. `ref_id` names the
    supervision order or proposal an alert of that kind is about. The same event goes to
    the external channels routed to it (services/outbox.py), in the same transaction."""
    user_ids = {u for u in user_ids if u is not None}
    for user_id in user_ids:
        forget_count(user_id)
        db.session.add(Alert(user_id=user_id, kind=kind, created_at=now, ref_id=ref_id,
                             ticket_id=getattr(ticket, "id", None)))
    outbox.enqueue(kind, user_ids, ticket=ticket, ref_id=ref_id, now=now)


def users_with_role(*roles: Role) -> list[int]:
    return list(db.session.scalars(select(User.id).where(
        User.role.in_([r.value for r in roles]), User.active.is_(True))))


_alerts = Alert.__table__
#: Built once: the bell runs on every page and every poll, and building the statement cost
#: more than running it.
_UNREAD = select(func.count(_alerts.c.id)).where(_alerts.c.user_id == bindparam("user_id"),
                                                 _alerts.c.read_at.is_(None))


#: The same count as a column of the statement that loads the signed-in user (app.py), so
#: a page or a bell poll reads its user and its count in one round trip.
UNREAD_OF_USER = (select(func.count(_alerts.c.id))
                  .where(_alerts.c.user_id == User.id, _alerts.c.read_at.is_(None))
                  .scalar_subquery())


def remember_count(user_id: int, count: int) -> None:
    """Keep the count read with the signed-in user for the rest of the request."""
    read_memo()[("unread", user_id)] = count


def forget_count(user_id: int) -> None:
    """The user's alerts change in this request: count them again when asked."""
    read_memo().pop(("unread", user_id), None)


def unread_count(user: User) -> int:
    """One COUNT on ix_alerts_user_unread (user_id, read_at, …), unless it was read with
    the signed-in user in this request and nothing here has changed their alerts since."""
    known = read_memo().get(("unread", user.id))
    if known is not None:
        return known
    return db.session.connection().scalar(_UNREAD, {"user_id": user.id}) or 0


def recent_alerts(user: User, limit: int = 50) -> list[Alert]:
    return list(db.session.scalars(
        select(Alert).where(Alert.user_id == user.id)
        .order_by(Alert.created_at.desc(), Alert.id.desc()).limit(limit)))


def mark_read(user: User, now: datetime, alert_id: int | None = None) -> int:
    """Mark the user's unread alerts read, or only `alert_id` among them; how many changed.
    An id that is not one of the user's unread alerts changes nothing."""
    forget_count(user.id)
    query = update(Alert).where(Alert.user_id == user.id, Alert.read_at.is_(None))
    if alert_id is not None:
        query = query.where(Alert.id == alert_id)
    with write_transaction():
        return db.session.execute(query.values(read_at=now)).rowcount


