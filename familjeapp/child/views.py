"""The child's own pages. For now: help now, while the picture view is being built."""

from flask import Blueprint, render_template

from ..access import family_page

bp = Blueprint("child", __name__, url_prefix="/barn/<id:family_id>")


@bp.get("/")
@family_page("child")
def home(family_id: int):
    """The child's start page: who to call for help, in big pictures."""
    return render_template("child/home.html")
