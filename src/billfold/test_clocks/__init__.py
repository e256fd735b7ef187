"""Test clocks: customers (and everything they own) that live at a frozen time.

:mod:`billfold.test_clocks.clock` is what other domain code needs (the clock a
customer's objects follow); :mod:`billfold.test_clocks.service` creates, lists, deletes
and advances clocks, and :mod:`billfold.test_clocks.advance` runs what falls due while
one advances, through the worker's own functions.
"""

from billfold.test_clocks.clock import TestClockTime, clock_for_customer, get_test_clock, on_test_clock

__all__ = ["TestClockTime", "clock_for_customer", "get_test_clock", "on_test_clock"]
