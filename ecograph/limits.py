"""Resource bounds on untrusted input, in one place for every format and every face.

Every reader of outside data (the loaders' YAML, JSON, CSV, GraphML and GEXF readers, the
request schema shared by the CLI and the HTTP service) enforces these bounds *before* the
expensive step, so that a small hostile input cannot cost a lot of time or memory:

=============================  =====================================================
:data:`MAX_NUMBER_DIGITS`      digits of one number (int or decimal), counted in its
                               text before it is converted, and the size of a
                               decimal's exponent (``1e999999999`` is refused)
:data:`MAX_NESTING`            depth of nested lists/mappings in a JSON or YAML text
:data:`YAML_ALIAS_FACTOR`      YAML aliases may expand a document to at most this many
                               times its written nodes (plus :data:`YAML_ALIAS_SLACK`);
                               checked on the event stream, before anything expands
:data:`MAX_REQUEST_UNITS`      units (scores, votes, indicator rows) in one request
:data:`MAX_REQUEST_BYTES`      size of a request file read by the CLI (the HTTP body
                               limit is the service's ``max_body_bytes``, 1 MiB)
:data:`MAX_MATCH_PAIRS`        compatible (problem, expert) pairs one match scores,
                               counted per field before any pair is built
:data:`MAX_MESSAGE_CHARS`      longest echo of a bad value inside an error message
=============================  =====================================================

Money arithmetic runs in :func:`exact_decimal_context`: enough digits for any sum of
bounded amounts, and the ``Inexact`` signal trapped, so a result is exact or an error,
never rounded silently.

Examples
--------
>>> from decimal import Decimal
>>> number_text_problem("1" * 2000)
'has 2000 digits; at most 1000 are accepted'
>>> decimal_problem(Decimal("1e999999999"))
'has an exponent of 999999999; at most 1000 digits before or after the point are accepted'
>>> decimal_problem(Decimal("NaN"))
'is not a finite number'
>>> decimal_problem(Decimal("1234.56")) is None
True
>>> clip("x" * 500)[-20:]
"x'… (500 characters)"
>>> clip(list(range(10**5)))
'[0, 1, 2, 3, 4, 5, ...]'
"""

from __future__ import annotations

import decimal
import reprlib
from decimal import Decimal
from typing import Any

__all__ = [
    "MAX_NUMBER_DIGITS",
    "MAX_NESTING",
    "YAML_ALIAS_FACTOR",
    "YAML_ALIAS_SLACK",
    "MAX_REQUEST_UNITS",
    "MAX_REQUEST_BYTES",
    "MAX_MATCH_PAIRS",
    "MAX_MESSAGE_CHARS",
    "number_text_problem",
    "decimal_problem",
    "exact_decimal_context",
    "clip",
]

#: Digits in one written number; also the largest decimal exponent (either sign).
MAX_NUMBER_DIGITS = 1000
#: Deepest nesting of lists and mappings in one JSON or YAML text.
MAX_NESTING = 64
#: YAML aliases may expand a document to at most this factor times its written nodes ...
YAML_ALIAS_FACTOR = 10
#: ... plus this many nodes (small documents may reuse a block freely).
YAML_ALIAS_SLACK = 10_000
#: Units (scores, votes, indicator rows) in one allocate/evaluate/grade request.
MAX_REQUEST_UNITS = 200_000
#: Largest request file the CLI reads (the service's own body limit defaults to 1 MiB).
MAX_REQUEST_BYTES = 64 * 1024 * 1024
#: Compatible (problem, expert) pairs one match scores (~60 bytes each in memory); counted
#: from the fields before any pair is built.
MAX_MATCH_PAIRS = 30_000_000
#: Longest quotation of a bad value in an error message.
MAX_MESSAGE_CHARS = 80

# Amounts have at most MAX_NUMBER_DIGITS digits each side of the point; a sum of up to
# 10**12 of them needs 2 * MAX_NUMBER_DIGITS + 12 digits to stay exact.
_EXACT_PRECISION = 2 * MAX_NUMBER_DIGITS + 24


def number_text_problem(text: str) -> str | None:
    """Why the written number ``text`` is too long to convert, or ``None`` when it is not.

    Counts digits only (signs, points, separators and an exponent are free), so it is linear
    and runs before ``int()`` or ``Decimal()`` (whose costs grow faster than linearly).

    Examples
    --------
    >>> number_text_problem("-12,345.678") is None
    True
    """
    digits = sum(ch.isdigit() for ch in text) if len(text) > MAX_NUMBER_DIGITS else 0
    if digits > MAX_NUMBER_DIGITS:
        return f"has {digits} digits; at most {MAX_NUMBER_DIGITS} are accepted"
    return None


def decimal_problem(value: Decimal, *, finite: bool = True) -> str | None:
    """Why ``value`` is no usable exact number (not finite, too many digits, huge exponent).

    With ``finite=False``, NaN and infinities pass (a plain attribute may hold them; money
    may not).

    Examples
    --------
    >>> decimal_problem(Decimal("-Infinity")), decimal_problem(Decimal("NaN"), finite=False)
    ('is not a finite number', None)
    """
    if not value.is_finite():
        return "is not a finite number" if finite else None
    sign, digits, exponent = value.as_tuple()
    if len(digits) > MAX_NUMBER_DIGITS:
        return f"has {len(digits)} digits; at most {MAX_NUMBER_DIGITS} are accepted"
    if abs(int(exponent)) > MAX_NUMBER_DIGITS or abs(value.adjusted()) > MAX_NUMBER_DIGITS:
        return (f"has an exponent of {exponent}; at most {MAX_NUMBER_DIGITS} digits before or after the "
                "point are accepted")
    return None


def exact_decimal_context() -> decimal.Context:
    """A decimal context for money: precise enough for sums of bounded amounts, inexact trapped.

    Examples
    --------
    >>> with decimal.localcontext(exact_decimal_context()):
    ...     total = sum([Decimal("0.1")] * 3, Decimal(0)) + Decimal("1" * 40)
    >>> total
    Decimal('1111111111111111111111111111111111111111.3')
    """
    return decimal.Context(prec=_EXACT_PRECISION, Emax=decimal.MAX_EMAX, Emin=decimal.MIN_EMIN,
                           traps=[decimal.InvalidOperation, decimal.DivisionByZero, decimal.Overflow,
                                  decimal.Inexact])


def clip(value: Any, limit: int = MAX_MESSAGE_CHARS) -> str:
    """``repr(value)``, cut to ``limit`` characters with the full length said (for messages).

    Examples
    --------
    >>> clip("abc")
    "'abc'"
    """
    if isinstance(value, str) and len(value) > limit:  # do not repr a megabyte only to cut it
        return repr(value[:limit]) + f"… ({len(value)} characters)"
    shown = _SHORT.repr(value)
    return shown if len(shown) <= limit else shown[:limit] + "…"


_SHORT = reprlib.Repr()
_SHORT.maxstring = _SHORT.maxother = MAX_MESSAGE_CHARS
_SHORT.maxlist = _SHORT.maxtuple = _SHORT.maxset = 6
_SHORT.maxdict = 4
_SHORT.maxlevel = 3
