"""Administration: teams and worker accounts, the audit log, and closing and removing cases."""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/personal/admin")
