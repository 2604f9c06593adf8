"""The plan editor: drafts, pictures, the plain-language check, and publishing."""

from .views import bp  # noqa: F401
