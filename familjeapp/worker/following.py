"""Following the plan: check-ins, the scale over time, commitments and views, and print."""

from .views import bp  # noqa: F401
