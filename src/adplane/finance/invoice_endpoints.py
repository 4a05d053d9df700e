"""HTTP endpoints of IQM's Finance API invoices: monthly invoices listed and downloaded (PDF, or CSV)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response

from adplane.auth.deps import PrincipalDep
from adplane.core.deps import SessionDep
from adplane.core.envelopes import V3, v3
from adplane.core.schemas import MAX_DB_INT
from adplane.finance import catalog, invoices
from adplane.finance.responses import InvoiceList, StaticItem

router = APIRouter(tags=["Finance API"])

IdPath = Annotated[int, Path(ge=1, le=MAX_DB_INT)]


@router.get("/api/v3/fa/invoice/list/{owId}", response_model=V3[InvoiceList])
def list_invoices(owId: IdPath, principal: PrincipalDep, session: SessionDep,  # wire name
                  status: Annotated[str | None, Query(max_length=200)] = None,
                  sortBy: Annotated[str | None, Query(max_length=200)] = None,  # wire name
                  searchField: Annotated[str | None, Query(max_length=2000)] = None,  # wire name
                  limit: Annotated[int, Query(ge=1, le=1000)] = 10,
                  pageNo: Annotated[int, Query(ge=1, le=1_000_000)] = 1,  # wire name
                  isCustomerRequest: bool = True) -> dict:  # wire name
    """An organization's monthly invoices (its own, or a customer's for its workspace admin)."""
    return v3(invoices.list_invoices(session, principal, owId, status, searchField, sortBy, pageNo, limit))


@router.get("/api/v3/fa/download-invoice/{owId}/{invoiceId}", response_class=Response,
            responses={200: {"content": {"application/pdf": {}, "text/csv": {}}}})
def download_invoice(owId: IdPath, invoiceId: IdPath, principal: PrincipalDep, session: SessionDep,  # wire names
                     isCustomerRequest: bool = True,  # wire name
                     fileType: Literal["pdf", "csv"] = "pdf") -> Response:  # wire name (adplane: csv too)
    """The invoice as a PDF (IQM), or as CSV lines with `fileType=csv`."""
    invoice = invoices.get_invoice(session, principal, owId, invoiceId)
    if fileType == "csv":
        body, media = invoices.invoice_csv(session, invoice), "text/csv"
    else:
        body, media = invoices.invoice_pdf(session, invoice), "application/pdf"
    filename = f"invoice-{invoice.id}-{invoice.period_start.strftime('%Y-%m')}.{fileType}"
    return Response(body, media_type=media, headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@router.get("/api/v3/fa/static/invoice-status", response_model=V3[list[StaticItem]])
def invoice_statuses(principal: PrincipalDep) -> dict:
    return v3(catalog.INVOICE_STATUSES)
