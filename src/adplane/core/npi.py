"""NPI check digits (CMS NPI standard: ISO/IEC 7812 Luhn over the 80840 prefix + 9 digits)."""

from __future__ import annotations

NPI_PREFIX = "80840"


def _luhn_sum(digits: str) -> int:
    """Luhn sum of `digits` as if a check digit followed them (double every second from the right)."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 0:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total


def check_digit(first_nine: str) -> str:
    """The 10th digit of an NPI whose first nine digits are `first_nine`."""
    if len(first_nine) != 9 or not first_nine.isdigit():
        raise ValueError("an NPI body is nine digits")
    return str((10 - _luhn_sum(NPI_PREFIX + first_nine) % 10) % 10)


def is_valid_npi(value: str) -> bool:
    """True when `value` is ten digits, starts with 1 or 2 and carries the right check digit."""
    if len(value) != 10 or not value.isdigit() or value[0] not in "12":
        return False
    return check_digit(value[:9]) == value[9]


def make_npi(serial: int, *, first_digit: str = "1") -> str:
    """A valid NPI built from a serial number (synthetic data)."""
    body = first_digit + f"{serial:08d}"
    if len(body) != 9:
        raise ValueError("serial too large for an NPI")
    return body + check_digit(body)
