"""Sign-in throttling: failed sign-ins, in the database so that every worker shares them."""
from datetime import datetime

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from extensions import db


class LoginFailure(db.Model):
    """One failed sign-in: the employee no. typed (known or not) and the client address."""
    __tablename__ = "login_failures"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime]
    employee_no: Mapped[str] = mapped_column(String(10))
    address: Mapped[str] = mapped_column(String(64))
    # A successful sign-in stops the account's earlier failures counting against the account;
    # they still count against the address.
    counts_for_account: Mapped[bool] = mapped_column(default=True)

    __table_args__ = (
        Index("ix_login_failures_employee_no_at", "employee_no", "at"),
        Index("ix_login_failures_address_at", "address", "at"),
        Index("ix_login_failures_at", "at"),
    )
