"""NPI check digits: the code lives in `adplane.core.npi` (audiences normalise NPIs too and sit below
healthcare); this module keeps the healthcare import path."""

from __future__ import annotations

from adplane.core.npi import NPI_PREFIX, check_digit, is_valid_npi, make_npi

__all__ = ["NPI_PREFIX", "check_digit", "is_valid_npi", "make_npi"]
