"""The bell: alerts written inside the transaction of the change that causes them, read with
one indexed count per poll."""
from datetime import datetime

from sqlalchemy import func, select, update

from domain.roles import Role
from models import Alert, User

from .db import db, write_transaction


def alert(user_ids, kind: str, *, ticket=None, now: datetime) -> None:
    """Queue an alert for each user, inside the caller's transaction."""
    for user_id in {u for u in user_ids if u is not None}:
        db.session.add(Alert(user_id=user_id, kind=kind, created_at=now,
                             ticket_id=getattr(ticket, "id", None)))


def users_with_role(*roles: Role) -> list[int]:
    return list(db.session.scalars(select(User.id).where(
        User.role.in_([r.value for r in roles]), User.active.is_(True))))


def unread_count(user: User) -> int:
    return db.session.scalar(select(func.count(Alert.id)).where(
        Alert.user_id == user.id, Alert.read_at.is_(None))) or 0


def recent_alerts(user: User, limit: int = 50) -> list[Alert]:
    return list(db.session.scalars(
        select(Alert).where(Alert.user_id == user.id)
        .order_by(Alert.created_at.desc(), Alert.id.desc()).limit(limit)))


def mark_read(user: User, now: datetime) -> None:
    with write_transaction():
        db.session.execute(update(Alert).where(Alert.user_id == user.id,
                                               Alert.read_at.is_(None)).values(read_at=now))


