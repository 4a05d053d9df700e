"""Response models of the Finance API (wire names)."""

from __future__ import annotations

from adplane.core.envelopes import ResponseModel


class StaticItem(ResponseModel):
    name: str
    id: int
    label: str
    order: int


class PaymentRow(ResponseModel):
    isPaymentInitiatorOrg: bool
    paymentId: int
    createdByUserEmail: str
    paymentDate: int  # epoch milliseconds
    paymentAmount: float
    paymentStatus: str
    paymentMode: str
    paymentType: str
    invoiceId: int
    modifiedAt: int  # epoch milliseconds
    bankName: str | None
    refundReason: str | None


class PaymentList(ResponseModel):
    data: list[PaymentRow]
    totalRecords: int
    filteredRecords: int
