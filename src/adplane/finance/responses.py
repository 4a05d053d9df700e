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
    createdAt: int  # epoch milliseconds
    createdByUserEmail: str
    paymentDate: int  # epoch milliseconds
    paymentAmount: float
    paymentStatus: str
    paymentMode: str
    paymentType: str
    invoiceId: int
    transactionId: str
    modifiedAt: int  # epoch milliseconds
    modifiedByUserEmail: str | None
    bankName: str | None
    refundReason: str | None
    owId: int
    organizationName: str


class PaymentList(ResponseModel):
    data: list[PaymentRow]
    totalRecords: int
    filteredRecords: int


class CreditSummary(ResponseModel):
    usedCredit: float
    totalCredit: float


class OfferedCredit(ResponseModel):
    creditId: int
    creditAmount: float
    modifiedAt: str  # ISO 8601, as IQM
    status: str
    organizationName: str  # who offered it
    expiresAt: str | None = None  # adplane


class CreditList(ResponseModel):
    data: list[OfferedCredit]
    totalRecords: int
    filteredRecords: int


class CustomerCredit(ResponseModel):
    creditId: int
    owId: int
    creditAmount: float
    status: str
    modifiedAt: str
    uowId: int
    displayName: str
    expiresAt: str | None = None  # adplane


class InvoiceRow(ResponseModel):
    invoiceId: int
    invoiceFromDate: int  # epoch seconds, as IQM's example
    invoiceToDate: int
    issuedOn: int
    invoiceAmount: float
    status: int
    paymentTerm: int
    paidAmount: float
    paymentMode: list[int]
    invoiceName: str | None
    actionNote: str | None
    invoiceStatusUpdatedBy: str | None
    modifiedAt: int  # epoch milliseconds


class InvoiceList(ResponseModel):
    data: list[InvoiceRow]
    totalRecords: int
    filteredRecords: int


class Margin(ResponseModel):
    marginTypeId: int
    marginType: str
    marginValue: float  # percent


class MarginList(ResponseModel):
    totalRecords: int
    data: list[Margin]
    filteredRecords: int
    isBidShadingEnabled: bool


class LedgerEntry(ResponseModel):
    """One `funds_ledger` row (adplane's `GET /api/v3/fa/ledger/list`); the optional fields are there when the
    entry's reference names a payment, a credit, a campaign's day of delivery or an insight report."""

    id: int
    kind: str  # payment, credit, top_up, media_spend, data_cost, platform_fee, insight_charge, insight_refund
    kindLabel: str
    amount: float  # signed dollars: + credits the balance, - charges it
    balanceAfter: float  # the balance right after this entry
    description: str
    reference: str | None
    createdAt: int  # epoch milliseconds
    paymentId: int | None = None
    creditId: int | None = None
    campaignId: int | None = None
    campaignName: str | None = None
    deliveryDate: int | None = None  # epoch milliseconds of the UTC day charged for
    insightReportId: int | None = None
    insightReportType: str | None = None  # pld, sls, aqs
    insightReportName: str | None = None


class LedgerSummary(ResponseModel):
    totalCredited: float  # the filtered entries' positive amounts
    totalCharged: float  # the filtered entries' negative amounts, as a positive number
    net: float  # totalCredited - totalCharged


class LedgerList(ResponseModel):
    data: list[LedgerEntry]
    totalRecords: int
    filteredRecords: int
    summary: LedgerSummary
