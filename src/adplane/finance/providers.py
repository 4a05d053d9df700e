"""Payment providers: how a payment turns into money on the ledger.

`PaymentProvider` is the interface a real provider (PayPal, a bank feed) implements: `submit` returns the
provider's reference and whether the money is already settled. `SandboxPaymentProvider` is a **sandbox**:
it moves no money. PayPal-mode payments settle at once (as a completed PayPal checkout would); cheque and
wire-transfer payments stay *processing* until the workspace confirms receipt.
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


class PaymentProvider(Protocol):
    name: str

    def submit(self, ow_id: int, amount: Decimal, mode_id: int) -> Submitted: ...


class SandboxPaymentProvider:
    """A sandbox: no money moves. PayPal settles immediately, cheque and wire wait for confirmation."""

    name = "sandbox"

    def submit(self, ow_id: int, amount: Decimal, mode_id: int) -> Submitted:
        return Submitted(reference=f"sandbox-{secrets.token_hex(12)}", settled=mode_id == MODE_PAYPAL)


def default_provider() -> PaymentProvider:
    return SandboxPaymentProvider()
