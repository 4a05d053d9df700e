"""Payment providers: how a payment turns into money on the ledger.

`PaymentProvider` is the interface a real provider (PayPal, a bank feed) implements: `submit` returns the
provider's reference and whether the money is already settled. `SandboxPaymentProvider` is a **sandbox**:
it moves no money. PayPal-mode payments settle at once (as a completed PayPal checkout would); cheque and
wire-transfer payments stay *processing* until the workspace confirms receipt. A PayPal checkout
(`begin_checkout`, POST /api/v3/fa/paypal/payment) approves itself: its link is adplane's own return URL.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

MODE_PAYPAL, MODE_CHEQUE, MODE_WIRE_TRANSFER = 1, 2, 3


@dataclass(frozen=True)
class Submitted:
    reference: str
    settled: bool


@dataclass(frozen=True)
class Checkout:
    """A PayPal checkout begun with the provider: its id and where the payer approves it."""

    reference: str
    approval_url: str


class PaymentProvider(Protocol):
    name: str

    def submit(self, ow_id: int, amount: Decimal, mode_id: int) -> Submitted: ...

    def begin_checkout(self, ow_id: int, amount: Decimal, return_url: str, cancel_url: str) -> Checkout: ...


class SandboxPaymentProvider:
    """A sandbox: no money moves. PayPal settles immediately, cheque and wire wait for confirmation."""

    name = "sandbox"

    def submit(self, ow_id: int, amount: Decimal, mode_id: int) -> Submitted:
        return Submitted(reference=f"sandbox-{secrets.token_hex(12)}", settled=mode_id == MODE_PAYPAL)

    def begin_checkout(self, ow_id: int, amount: Decimal, return_url: str, cancel_url: str) -> Checkout:
        """No PayPal page: the approval link is the return URL itself, as PayPal would redirect to it once the
        payer approved (with the payment id and a sandbox payer id)."""
        reference = f"SANDBOX-EC-{secrets.token_hex(8).upper()}"
        separator = "&" if "?" in return_url else "?"
        return Checkout(reference=reference,
                        approval_url=f"{return_url}{separator}paymentId={reference}&PayerID=SANDBOX-PAYER")


def default_provider() -> PaymentProvider:
    return SandboxPaymentProvider()
