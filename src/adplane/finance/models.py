"""Finance tables: payments (a payment credits the ledger once, when it is paid)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Integer, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from adplane.core.clock import utcnow
from adplane.core.db import Base, UtcDateTime

STATUS_PROCESSING, STATUS_PAID, STATUS_REJECTED, STATUS_CANCELLED = 1, 2, 3, 4
TYPE_AS_FUND = 1


class Payment(Base):
    __tablename__ = "finance_payments"
    __table_args__ = (UniqueConstraint("provider", "provider_reference", name="uq_finance_payments_provider_ref"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ow_id: Mapped[int] = mapped_column(ForeignKey("organizations.ow_id", ondelete="CASCADE"), index=True)
    initiator_ow_id: Mapped[int] = mapped_column(Integer)
    created_by_email: Mapped[str] = mapped_column(String(320))
    amount: Mapped[Decimal] = mapped_column(Numeric(16, 4))
    payment_date: Mapped[date] = mapped_column(Date)
    mode_id: Mapped[int] = mapped_column(Integer)
    type_id: Mapped[int] = mapped_column(Integer, default=TYPE_AS_FUND)
    status_id: Mapped[int] = mapped_column(Integer, default=STATUS_PROCESSING)
    bank_name: Mapped[str | None] = mapped_column(String(255))
    provider: Mapped[str] = mapped_column(String(40))
    provider_reference: Mapped[str] = mapped_column(String(100))
    invoice_id: Mapped[int] = mapped_column(Integer, default=0)
    refund_reason: Mapped[str | None] = mapped_column(String(1000))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    modified_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
