"""Money as integer minor units, and the one proration function.

Amounts never pass through floats. A currency knows its minor-unit exponent; where
Stripe's zero- and three-decimal lists differ from ISO 4217 (for example ISK or UGX),
Stripe wins, because amounts are exchanged with Stripe-shaped clients.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from babel.numbers import format_currency, list_currencies

__all__ = [
    "Currency",
    "CurrencyMismatchError",
    "Money",
    "currency_exponent",
    "format_money",
    "is_known_currency",
    "prorate",
]

# Stripe's zero-decimal currencies (amounts are whole units).
_ZERO_DECIMAL = frozenset(
    ["bif", "clp", "djf", "gnf", "jpy", "kmf", "krw", "mga", "pyg", "rwf", "ugx", "vnd", "vuv", "xaf", "xof", "xpf"],
)
# Stripe's three-decimal currencies.
_THREE_DECIMAL = frozenset(["bhd", "jod", "kwd", "omr", "tnd"])


@lru_cache(maxsize=1)
def _iso_codes() -> frozenset[str]:
    return frozenset(code.lower() for code in list_currencies())


def is_known_currency(code: str) -> bool:
    """Whether ``code`` (any case) is an ISO 4217 currency code."""
    return code.lower() in _iso_codes()


def currency_exponent(code: str) -> int:
    """Digits after the decimal point in ``code``'s minor unit (JPY 0, USD 2, KWD 3)."""
    code = code.lower()
    if code in _ZERO_DECIMAL:
        return 0
    if code in _THREE_DECIMAL:
        return 3
    return 2


@dataclass(frozen=True, slots=True)
class Currency:
    """An ISO 4217 currency, lower-case as Stripe writes it."""

    code: str

    def __post_init__(self) -> None:
        if not is_known_currency(self.code):
            msg = f"Unknown currency: {self.code!r}"
            raise ValueError(msg)
        object.__setattr__(self, "code", self.code.lower())

    @property
    def exponent(self) -> int:
        """Digits of the minor unit."""
        return currency_exponent(self.code)


class CurrencyMismatchError(TypeError):
    """Arithmetic or comparison between two different currencies."""


@dataclass(frozen=True, slots=True)
class Money:
    """An integer amount of minor units in one currency; refuses to mix currencies."""

    amount: int
    currency: Currency

    def __post_init__(self) -> None:
        if isinstance(self.amount, bool) or not isinstance(self.amount, int):
            msg = f"Money amounts are integer minor units, not {type(self.amount).__name__}"
            raise TypeError(msg)

    def _same(self, other: Money) -> None:
        if self.currency != other.currency:
            msg = f"Cannot combine {self.currency.code} with {other.currency.code}"
            raise CurrencyMismatchError(msg)

    def __add__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount - other.amount, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    def __mul__(self, factor: int) -> Money:
        if isinstance(factor, bool) or not isinstance(factor, int):
            msg = "Money can only be multiplied by an int"
            raise TypeError(msg)
        return Money(self.amount * factor, self.currency)

    __rmul__ = __mul__

    def __lt__(self, other: Money) -> bool:
        self._same(other)
        return self.amount < other.amount

    def __le__(self, other: Money) -> bool:
        self._same(other)
        return self.amount <= other.amount

    def __gt__(self, other: Money) -> bool:
        self._same(other)
        return self.amount > other.amount

    def __ge__(self, other: Money) -> bool:
        self._same(other)
        return self.amount >= other.amount

    def to_decimal(self) -> Decimal:
        """Major units, exactly (for display only)."""
        return Decimal(self.amount).scaleb(-self.currency.exponent)


def format_money(amount: int, currency: str, locale: str = "en_US") -> str:
    """Locale-formatted amount such as ``$12.50`` or ``12,50 €``."""
    money = Money(amount, Currency(currency))
    return format_currency(money.to_decimal(), money.currency.code.upper(), locale=locale)


def prorate(amount: int, remaining_s: int, period_s: int) -> int:
    """Share of ``amount`` for ``remaining_s`` of a ``period_s``-second period.

    Rounds the magnitude down, so a credit and its matching debit are equal.
    """
    if period_s <= 0:
        msg = "period_s must be positive"
        raise ValueError(msg)
    sign = -1 if amount < 0 else 1
    return sign * (abs(amount) * remaining_s // period_s)
