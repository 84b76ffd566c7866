"""Reading and validating many register texts makes millions of short-lived
objects and no reference cycles: the cycle collector would only walk through
them, and through everything read before them, so that each of its walks
gets longer as the catalogue grows (a tenth of the loading time at 300
registers, more at 1,000). It is paused while texts are read and checked."""
from __future__ import annotations

import gc
from contextlib import contextmanager


@contextmanager
def paused():
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()
