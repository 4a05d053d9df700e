"""IQM's finance static lists (`/api/v3/fa/static/...`), with the ids and order its published examples give."""

from __future__ import annotations

from typing import Any


def _items(*rows: tuple[str, int, str]) -> list[dict[str, Any]]:
    return [{"name": name, "id": id_, "label": label, "order": id_} for name, id_, label in rows]


PAYMENT_TYPES = _items(("as_fund", 1, "As Fund"), ("against_invoice", 2, "Against Invoice"), ("refund", 3, "Refund"))
PAYMENT_STATUSES = _items(("processing", 1, "Processing"), ("paid", 2, "Paid"), ("rejected", 3, "Rejected"),
                          ("cancelled", 4, "Cancelled"))
INVOICE_STATUSES = _items(("pending", 1, "Pending"), ("partially_paid", 2, "Partially Paid"), ("unpaid", 3, "Unpaid"),
                          ("paid", 4, "Paid"), ("overdue", 5, "Overdue"), ("processing", 7, "Processing"),
                          ("cancelled", 8, "Cancelled"))
PAYMENT_MODES = _items(("paypal", 1, "PayPal"), ("cheque", 2, "Cheque"), ("wire_transfer", 3, "Wire Transfer"))


def label(items: list[dict[str, Any]], id_: int) -> str:
    return next((item["label"] for item in items if item["id"] == id_), str(id_))
