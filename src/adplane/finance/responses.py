"""Response models of the Finance API (wire names)."""

from __future__ import annotations

from adplane.core.envelopes import ResponseModel


class StaticItem(ResponseModel):
    name: str
    id: int
    label: str
    order: int


class PaymentRow(ResponseModel):
    isPaymentInitiatorOrg: bool  # noqa: N815 - wire name
    paymentId: int  # noqa: N815
    createdByUserEmail: str  # noqa: N815
    paymentDate: int  # noqa: N815 - epoch milliseconds
    paymentAmount: float  # noqa: N815
    paymentStatus: str  # noqa: N815
    paymentMode: str  # noqa: N815
    paymentType: str  # noqa: N815
    invoiceId: int  # noqa: N815
    modifiedAt: int  # noqa: N815 - epoch milliseconds
    bankName: str | None  # noqa: N815
    refundReason: str | None  # noqa: N815


class PaymentList(ResponseModel):
    data: list[PaymentRow]
    totalRecords: int  # noqa: N815
    filteredRecords: int  # noqa: N815
