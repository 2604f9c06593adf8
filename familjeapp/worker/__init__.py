"""The social worker's side. Its routes live in a few modules on one blueprint."""

from . import editor, following, numbers, stepping_in  # noqa: F401 - they add their routes to bp
from .views import bp

__all__ = ["bp"]
