"""The plan's dates in the phone's own calendar: a personal address and a one-off file."""

from .views import bp

__all__ = ["bp"]
