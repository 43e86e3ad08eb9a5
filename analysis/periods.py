"""Calendar arithmetic over a window shared by the analysers: day and week lengths, the days
a window touches and its 7-day periods counted back from its end. Depends only on the window.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from analysis.window import Window

__all__ = ["DAY", "WEEK", "window_days", "window_weeks"]

DAY = np.timedelta64(1, "D").astype("timedelta64[ns]")
WEEK = 7 * DAY


def window_days(window: Window) -> int:
    """Calendar days touched by ``[start, end)``."""
    last = (window.end - pd.Timedelta(1, "ns")).normalize()
    return max(int((last - window.start.normalize()) / pd.Timedelta(days=1)) + 1, 0)


def window_weeks(window: Window) -> int:
    """7-day periods counted back from the end that cover the window (the first may be partial)."""
    return max(math.ceil((window.end - window.start) / pd.Timedelta(days=7) - 1e-12), 1)
