"""The social worker's side. Its routes live in a few modules on one blueprint."""

from . import (  # noqa: F401 - they add their routes to bp
    data_copies,
    editor,
    following,
    municipal,
    numbers,
    stepping_in,
)
from .views import bp

__all__ = ["bp"]
