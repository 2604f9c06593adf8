"""Administration: teams and worker accounts, the audit log, and removing closed cases.

Every page here is for administrators only (others get a logged 404), and every change an
administrator makes is written to the audit log, without content or passwords. The
administrator acts for the whole deployment, so these pages are not limited to one team.
"""

import math
from dataclasses import replace

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext

from .. import clock
from ..access import staff_page, staff_role
from ..auth.forms import ConfirmForm
from ..db import get_db
from ..store import accounts, families, retention
from ..store import audit as audit_store
from . import auditlog
from .forms import AuditFilterForm, TeamForm, WorkerForm

bp = Blueprint("admin", __name__, url_prefix="/personal/admin")

LOG_PAGE_SIZE = 100


def log_admin(action: str, object_type: str, object_id: int | str | None, **more) -> None:
    """One audit row for an administrator's action: who, what, on which object. No content."""
    audit_store.record(
        get_db(), action, actor_type="worker", actor_id=g.worker.id, role=staff_role(g.worker),
        object_type=object_type, object_id=object_id, **more,
    )  # fmt: skip


def confirmed() -> None:
    """A button's POST must carry the page's CSRF token."""
    ConfirmForm().validate_on_submit() or abort(400)


@bp.get("/")
@staff_page(admin=True)
def index():
    """Where the administrator starts: the four things this role does."""
    return render_template("admin/index.html")


@bp.route("/team", methods=["GET", "POST"])
@staff_page(admin=True)
def teams():
    """The teams, and a form to add one."""
    db = get_db()
    form = TeamForm()
    if form.validate_on_submit():
        team_id = families.create_team(db, form.name.data)
        log_admin("team_created", "team", team_id)
        flash(_("The team was added."))
        return redirect(url_for(".teams"), 303)
    return render_template(
        "admin/teams.html", form=form, teams=accounts.teams(db)
    ), 400 if form.errors else 200


@bp.get("/konton")
@staff_page(admin=True)
def workers():
    """Every account: team, role, whether the authenticator is connected, and whether active."""
    return render_template("admin/workers.html", workers=accounts.workers(get_db()))


@bp.route("/konton/ny", methods=["GET", "POST"])
@staff_page(admin=True)
def new_worker():
    """Add an account with a first password, which the administrator hands over safely."""
    db = get_db()
    form = WorkerForm()
    form.team.choices = [(team["id"], team["name"]) for team in accounts.teams(db)]
    if form.validate_on_submit():
        try:
            worker_id = accounts.add_worker(
                db, team_id=form.team.data, email=form.email.data, name=form.name.data,
                password=form.password.data, phone=form.phone.data or "",
                is_admin=form.is_admin.data,
            )  # fmt: skip
        except accounts.EmailInUse:
            form.email.errors.append(_("There is already an account with this e-mail address."))
        else:
            log_admin("worker_created", "worker", worker_id)
            flash(
                _(
                    "The account was added. Give the worker the password over a safe channel. "
                    "At the first sign-in they connect an authenticator app."
                )
            )
            return redirect(url_for(".workers"), 303)
    return render_template(
        "admin/new_worker.html", form=form, password_min_length=accounts.PASSWORD_MIN_LENGTH
    ), 400 if form.errors else 200


def other_worker(worker_id: int) -> None:
    """An administrator does not lock themselves out: another administrator does that."""
    if worker_id == g.worker.id:
        abort(409)
    if not accounts.worker_exists(get_db(), worker_id):
        abort(404)


@bp.post("/konton/<id:worker_id>/stang-av")
@staff_page(admin=True)
def disable_worker(worker_id: int):
    """Disable an account; its open sessions end at once."""
    confirmed()
    other_worker(worker_id)
    if accounts.set_disabled(get_db(), worker_id, True):
        log_admin("worker_disabled", "worker", worker_id)
        flash(_("The account was disabled and its sessions ended."))
    return redirect(url_for(".workers"), 303)


@bp.post("/konton/<id:worker_id>/aktivera")
@staff_page(admin=True)
def enable_worker(worker_id: int):
    """Let a disabled account sign in again."""
    confirmed()
    other_worker(worker_id)
    if accounts.set_disabled(get_db(), worker_id, False):
        log_admin("worker_enabled", "worker", worker_id)
        flash(_("The account can sign in again."))
    return redirect(url_for(".workers"), 303)


@bp.post("/konton/<id:worker_id>/ny-app")
@staff_page(admin=True)
def reset_authenticator(worker_id: int):
    """A lost or new phone: the worker connects an authenticator app again at next sign-in."""
    confirmed()
    other_worker(worker_id)
    accounts.reset_authenticator(get_db(), worker_id)
    log_admin("worker_totp_reset", "worker", worker_id)
    flash(_("The worker connects a new authenticator app at the next sign-in."))
    return redirect(url_for(".workers"), 303)


def read_filter() -> tuple[AuditFilterForm, audit_store.AuditFilter | None]:
    """The log filter from the query string; no filter when it does not validate."""
    form = AuditFilterForm(request.args)
    form.worker.choices = [("", _("Everyone"))] + [
        (str(w["id"]), f"{w['name']} ({w['team']})") for w in accounts.workers(get_db())
    ]
    if not form.validate():
        return form, None
    wanted = auditlog.to_filter(
        worker_id=int(form.worker.data) if form.worker.data else None,
        family_id=form.family.data,
        since=form.date_from.data,
        until=form.date_to.data,
    )
    return form, wanted


def filter_args(form: AuditFilterForm) -> dict:
    """The filter as query arguments, to keep it across pages and in the export link."""
    values = {
        "worker": form.worker.data,
        "family": form.family.data,
        "date_from": form.date_from.data.isoformat() if form.date_from.data else None,
        "date_to": form.date_to.data.isoformat() if form.date_to.data else None,
    }
    return {name: value for name, value in values.items() if value}


def describe(args: dict) -> str | None:
    """What the administrator asked the log for, kept in their own audit row (ids only)."""
    return " ".join(f"{name}={value}" for name, value in sorted(args.items())) or None


@bp.get("/logg")
@staff_page(admin=True)
def audit_log():
    """The log review: filter by worker, family and dates; newest first, a page at a time."""
    db = get_db()
    form, wanted = read_filter()
    if wanted is None:
        return render_template("admin/audit.html", form=form, rows=[], args={}, page=1,
                               pages=0, total=0), 400  # fmt: skip
    args = filter_args(form)
    total = audit_store.count(db, wanted)
    pages = max(1, math.ceil(total / LOG_PAGE_SIZE))
    page = min(max(1, request.args.get("page", 1, type=int)), pages)
    rows = audit_store.search(db, wanted, limit=LOG_PAGE_SIZE, offset=(page - 1) * LOG_PAGE_SIZE)
    log_admin("audit_viewed", "audit", describe(args), family_id=wanted.family_id)
    return render_template(
        "admin/audit.html", form=form, rows=rows, args=args, page=page, pages=pages,
        total=total, who=auditlog.who, local_time=auditlog.local_time,
    )  # fmt: skip


@bp.get("/logg.csv")
@staff_page(admin=True)
def audit_export():
    """The same filter as the page, every matching row, as a CSV file."""
    form, wanted = read_filter()
    if wanted is None:
        abort(400)
    # The rows as they stand now, as the page showed them, without this export's own row.
    wanted = replace(wanted, last_id=audit_store.last_id(get_db()))
    log_admin("audit_exported", "audit", describe(filter_args(form)), family_id=wanted.family_id)

    def lines():
        # The request's connection is closed once the view returns; the stream, which runs
        # later under the same contexts, opens its own with get_db() and has it closed after.
        yield from auditlog.csv_lines(audit_store.each(get_db(), wanted))

    name = f"audit-{clock.local(clock.now()):%Y%m%d-%H%M}.csv"
    return Response(
        stream_with_context(lines()),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@bp.get("/gallring")
@staff_page(admin=True)
def closed_cases():
    """Closed cases whose retention period is over, to delete for good."""
    days = current_app.config["RETENTION_DAYS"]
    return render_template(
        "admin/closed_cases.html",
        cases=retention.due_cases(get_db(), days=days),
        days=days,
        local_day=clock.local_date,
    )


@bp.post("/gallring/<id:case_id>/radera")
@staff_page(admin=True)
def delete_case(case_id: int):
    """Delete one case past its period, with everything about it; the audit rows stay.

    The id is not called family_id: that would limit the administrator to their own team.
    """
    confirmed()
    deleted = retention.delete_case(
        get_db(), case_id, days=current_app.config["RETENTION_DAYS"], actor_type="worker",
        actor_id=g.worker.id, role=staff_role(g.worker),
    )  # fmt: skip
    if not deleted:
        # Unknown, still open, or not yet past its period: nothing to delete, but the attempt
        # is worth a row in the log.
        log_admin("case_deleted", "family", case_id, family_id=case_id, outcome="denied")
        abort(404)
    flash(_("The case was deleted."))
    return redirect(url_for(".closed_cases"), 303)


@bp.post("/gallring/radera-alla")
@staff_page(admin=True)
def delete_due_cases():
    """Delete every case past its period at once."""
    confirmed()
    deleted = retention.delete_due_cases(
        get_db(), days=current_app.config["RETENTION_DAYS"], actor_type="worker",
        actor_id=g.worker.id, role=staff_role(g.worker),
    )  # fmt: skip
    flash(ngettext("%(num)d case was deleted.", "%(num)d cases were deleted.", len(deleted)))
    return redirect(url_for(".closed_cases"), 303)
