"""The plan editor: drafts, pictures, the plain-language check, and publishing.

The family always reads the latest published version; the worker writes in a draft that starts as
a copy of it, and publishes the draft as the next version after a network meeting. Published
versions are never changed. GET never makes a draft: the worker starts one with a button, and any
change made through the editor's forms works on the family's draft (made then if need be).
"""

from dataclasses import replace

from flask import abort, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from .. import htmx
from ..access import staff_page, visibilities
from ..auth.forms import ConfirmForm
from ..config import LANGUAGES
from ..db import get_db
from ..pictures import MAX_QUERY_LENGTH, load_library
from ..plain_language import check
from ..store import families, plans, translations
from ..templating import page_or_fragment
from .editor_forms import (
    EVENT_LABELS,
    KIND_NAMES,
    TEXT_MAX,
    ChildItemForm,
    CommitmentForm,
    EventForm,
    ItemForm,
    MoveForm,
    PlainLanguageForm,
    ScaleForm,
    TranslationForm,
    language_label,
)
from .views import PICTURES_SHOWN, bp

EDITABLE_SECTIONS = ("working", "worries", "needs", "rules")
# The child's section is written in three parts of its own (Tre hus, Det trygga hemmet, Ord och
# bilder); an address names the part, the store keeps them all in the section "child".
CHILD_PARTS = plans.CHILD_PARTS
EVERYTHING = visibilities("worker")


def family_or_404(family_id: int) -> families.Family:
    family = families.get_family(get_db(), family_id)
    if family is None:
        abort(404)
    return family


def working_version(family_id: int) -> int | None:
    """The version the editor shows: the open draft, else what the family sees now."""
    db = get_db()
    draft = plans.open_draft(db, family_id)
    if draft is not None:
        return draft
    published = plans.published_version(db, family_id)
    return published.id if published else None


def draft(family_id: int) -> int:
    return plans.draft_for(get_db(), family_id, g.worker.id)


def adults(family_id: int) -> list[families.Person]:
    """Who can promise something: the parents and the network, not the children."""
    return [p for p in families.family_people(get_db(), family_id) if p.role != "child"]


def report_for(text: str | None, *, for_child: bool = False):
    # The check reads at most a little over what may be saved, so a huge paste stays quick.
    text = (text or "")[: TEXT_MAX * 2]
    return check(text, for_child=for_child) if text.strip() else None


def back_to_editor(family_id: int, anchor: str | None = None):
    return redirect(url_for(".plan_editor", family_id=family_id, _anchor=anchor), 303)


@bp.get("/familj/<id:family_id>/plan")
@staff_page()
def plan_editor(family_id: int):
    """The plan section by section: the draft to change, or what the family sees now."""
    db = get_db()
    draft_id = plans.open_draft(db, family_id)
    version_id = working_version(family_id)
    plan = plans.plan_version(db, version_id, EVERYTHING) if version_id else None
    published = plans.published_version(db, family_id)
    reports = {}
    if plan and draft_id:
        reports = {
            item.key: (report_for(item.text), report_for(item.child_text, for_child=True))
            for item in plan.items
        }
    return render_template(
        "worker/plan/editor.html",
        family=family_or_404(family_id),
        plan=plan,
        editable=draft_id is not None,
        published_number=published.number if published else None,
        just_published=request.args.get("publicerad", type=int),
        changes=plans.draft_changes(db, family_id, draft_id) if draft_id else [],
        reports=reports,
        family_languages=family_languages(family_id),
        # After a translation is saved its item shows its translations open, and says so.
        translated=request.args.get("oversatt"),
    )


@bp.post("/familj/<id:family_id>/plan/utkast")
@staff_page()
def plan_start_draft(family_id: int):
    """Start writing the next version: a copy of what the family sees now."""
    ConfirmForm().validate_on_submit() or abort(400)
    draft(family_id)
    return back_to_editor(family_id)


@bp.post("/familj/<id:family_id>/plan/publicera")
@staff_page()
def plan_publish(family_id: int):
    """Make the draft the version the family sees."""
    ConfirmForm().validate_on_submit() or abort(400)
    db = get_db()
    draft_id = plans.open_draft(db, family_id)
    if draft_id is not None:
        plans.publish(db, draft_id)
    # A second press finds nothing left to publish: the worker still lands where the first went.
    published = plans.published_version(db, family_id)
    return redirect(
        url_for(
            ".plan_editor", family_id=family_id, publicerad=published.number if published else None
        ),
        303,
    )


def part_of(item: plans.PlanItem) -> str:
    """The part of the editor an item is written in: its section, or one of the child's parts."""
    if item.section != "child":
        return item.section
    return next(part for part, kinds in CHILD_PARTS.items() if item.kind in kinds)


def item_page(family_id: int, section: str, item: plans.PlanItem | None):
    """The item form, new or existing: save, or find a picture without saving.

    ``section`` is the part of the editor: a section of the plan, or one of the child's parts,
    whose items have the child's words as their only text and are for everyone unless the
    worker chooses otherwise (a child reads only what is for everyone)."""
    for_child = section in CHILD_PARTS
    form_class = ChildItemForm if for_child else ItemForm
    if request.method == "POST":
        form = form_class()
    else:
        new_for_child = {"visibility": "everyone"} if for_child and item is None else None
        form = form_class(obj=item, formdata=None, data=new_for_child)
    form.set_section(CHILD_PARTS[section] if for_child else plans.KINDS[section])
    status, pictures = 200, []
    if request.method == "POST" and request.form.get("action") == "search":
        # Without JavaScript the search is a button in this form: show what was found, save
        # nothing, keep every word typed.
        pictures = load_library().search(form.q.data or "", limit=PICTURES_SHOWN)
    elif form.validate_on_submit():
        db = get_db()
        version_id = draft(family_id)
        fields = {
            "kind": form.kind.data,
            "text": (form.text.data or "").strip(),
            "child_text": (form.child_text.data or "").strip(),
            "picture": form.picture.data or None,
            "visibility": form.visibility.data,
            "responsible": (form.responsible.data or "").strip(),
            "when_text": (form.when_text.data or "").strip(),
            "how_we_know": (form.how_we_know.data or "").strip(),
        }
        if item is None:
            key = plans.add_item(
                db, version_id, section="child" if for_child else section, **fields
            )
        elif plans.update_item(db, version_id, item.key, **fields):
            key = item.key
        else:
            abort(404)  # removed in the draft meanwhile
        return back_to_editor(family_id, f"punkt-{key}")
    elif form.errors:
        status = 400
    library = load_library()
    chosen = form.picture.data if form.picture.data and library.exists(form.picture.data) else None
    return render_template(
        "worker/plan/item.html",
        family=family_or_404(family_id),
        form=form,
        item=item,
        section=section,
        pictures=pictures,
        chosen=library.get(chosen) if chosen else None,
        query=form.q.data or "",
        for_child=for_child,
        text_report=report_for(form.text.data),
        child_report=report_for(form.child_text.data, for_child=True),
    ), status


@bp.route("/familj/<id:family_id>/plan/ny/<section>", methods=["GET", "POST"])
@staff_page()
def plan_new_item(family_id: int, section: str):
    """Add an item to one part of the plan, the child's parts too."""
    if section not in EDITABLE_SECTIONS and section not in CHILD_PARTS:
        abort(404)
    return item_page(family_id, section, None)


def current_item(family_id: int, item_key: str) -> plans.PlanItem:
    """An item of this family's draft, or of what it sees now; 404 for any other key."""
    version_id = working_version(family_id)
    item = plans.get_item(get_db(), version_id, item_key) if version_id else None
    if item is None or item.section not in (*EDITABLE_SECTIONS, "child"):
        abort(404)
    return item


@bp.route("/familj/<id:family_id>/plan/punkt/<item_key>", methods=["GET", "POST"])
@staff_page()
def plan_edit_item(family_id: int, item_key: str):
    """Change an item's words, picture, kind or who may read it."""
    item = current_item(family_id, item_key)
    return item_page(family_id, part_of(item), item)


@bp.post("/familj/<id:family_id>/plan/punkt/<item_key>/ta-bort")
@staff_page()
def plan_remove_item(family_id: int, item_key: str):
    """Take an item out of the next version; the published ones keep it."""
    current_item(family_id, item_key)
    ConfirmForm().validate_on_submit() or abort(400)
    plans.remove_item(get_db(), draft(family_id), item_key)
    return back_to_editor(family_id)


@bp.post("/familj/<id:family_id>/plan/punkt/<item_key>/flytta")
@staff_page()
def plan_move_item(family_id: int, item_key: str):
    """Move an item one step up or down in its list."""
    current_item(family_id, item_key)
    form = MoveForm()
    form.validate_on_submit() or abort(400)
    plans.move_item(get_db(), draft(family_id), item_key, form.direction.data)
    return back_to_editor(family_id, f"punkt-{item_key}")


@bp.route("/familj/<id:family_id>/plan/punkt/<item_key>/lofte", methods=["GET", "POST"])
@staff_page()
def plan_add_commitment(family_id: int, item_key: str):
    """Someone of the family or network promises something for a rule, for a period."""
    rule = current_item(family_id, item_key)
    if rule.kind != "rule":
        abort(404)
    form = CommitmentForm()
    people = adults(family_id)
    # No one chosen beforehand: a promise in the wrong name would go to the family.
    form.person.choices = [("", _("Choose a person"))] + [
        (p.id, f"{p.name} ({p.relation})" if p.relation else p.name) for p in people
    ]
    if form.validate_on_submit():
        plans.add_commitment(
            get_db(),
            draft(family_id),
            rule_key=rule.key,
            person_id=form.person.data,
            text=form.text.data.strip(),
            starts_on=form.starts_on.data,
            ends_on=form.ends_on.data,
        )
        return back_to_editor(family_id, f"punkt-{rule.key}")
    return render_template(
        "worker/plan/commitment.html", family=family_or_404(family_id), form=form, rule=rule,
        has_people=bool(people),
    ), 400 if form.errors else 200  # fmt: skip


@bp.post("/familj/<id:family_id>/plan/lofte/<commitment_key>/ta-bort")
@staff_page()
def plan_remove_commitment(family_id: int, commitment_key: str):
    """Take a promise out of the next version."""
    ConfirmForm().validate_on_submit() or abort(400)
    db = get_db()
    version_id = working_version(family_id)
    plan = plans.plan_version(db, version_id, EVERYTHING) if version_id else None
    promise = next((c for c in plan.commitments if c.key == commitment_key), None) if plan else None
    if promise is None:
        abort(404)
    plans.remove_commitment(db, draft(family_id), commitment_key)
    return back_to_editor(family_id, f"punkt-{promise.rule_key}")


@bp.route("/familj/<id:family_id>/plan/skala", methods=["GET", "POST"])
@staff_page()
def plan_scale(family_id: int):
    """The safety scale's question and what 0 and 10 mean for this family."""
    db = get_db()
    version_id = working_version(family_id)
    plan = plans.plan_version(db, version_id, EVERYTHING) if version_id else None
    if request.method == "POST":
        form = ScaleForm()
    else:
        form = ScaleForm(formdata=None, data={
            "question": plan.scale_question if plan else "",
            "low": plan.scale_low if plan else "",
            "high": plan.scale_high if plan else "",
        })  # fmt: skip
    if form.validate_on_submit():
        plans.update_scale(
            db,
            draft(family_id),
            question=form.question.data.strip(),
            low=form.low.data.strip(),
            high=form.high.data.strip(),
        )
        return back_to_editor(family_id, "skala")
    return render_template(
        "worker/plan/scale.html", family=family_or_404(family_id), form=form
    ), 400 if form.errors else 200


@bp.route("/familj/<id:family_id>/plan/tidsram/ny", methods=["GET", "POST"])
@staff_page()
def plan_add_event(family_id: int):
    """Put a date on the timeframe: the start, a network meeting, a follow-up, the end."""
    form = EventForm()
    if form.validate_on_submit():
        plans.add_event(
            get_db(),
            draft(family_id),
            kind=form.kind.data,
            happens_on=form.happens_on.data,
            title=(form.title.data or "").strip(),
        )
        return back_to_editor(family_id, "tidsram")
    return render_template(
        "worker/plan/event.html", family=family_or_404(family_id), form=form
    ), 400 if form.errors else 200


@bp.post("/familj/<id:family_id>/plan/tidsram/<id:event_id>/ta-bort")
@staff_page()
def plan_remove_event(family_id: int, event_id: int):
    """Take a date off the draft's timeframe (dates have no key across versions: draft only)."""
    ConfirmForm().validate_on_submit() or abort(400)
    db = get_db()
    draft_id = plans.open_draft(db, family_id)
    if draft_id is None or not plans.remove_event(db, draft_id, event_id):
        abort(404)
    return back_to_editor(family_id, "tidsram")


def family_languages(family_id: int) -> list[str]:
    """The languages besides Swedish that someone in the family reads the app in."""
    chosen = {p.language for p in families.family_people(get_db(), family_id)}
    return [code for code in LANGUAGES if code in chosen and translations.translatable(code)]


def languages_for(item: plans.PlanItem, family: list[str]) -> list[str]:
    """The languages an item's translations are written in, in the editor: the family's, and
    any other an item already has a translation in."""
    return [code for code in LANGUAGES if code in family or code in item.translations]


@bp.route("/familj/<id:family_id>/plan/punkt/<item_key>/oversattning", methods=["GET", "POST"])
@staff_page()
def plan_translate_item(family_id: int, item_key: str):
    """An item's words in one of the family's languages, typically written with an
    interpreter: write, change, or (left empty) take away. Like every change in the editor it
    is made in the draft, and the family reads it when the draft is published."""
    item = current_item(family_id, item_key)
    db = get_db()
    written = translations.for_version(db, working_version(family_id)).get(item.key, {})
    ours = family_languages(family_id)
    if request.method == "POST":
        form = TranslationForm()
    else:
        wanted = request.args.get("sprak") or ""
        if not translations.translatable(wanted):
            wanted = ours[0] if ours else ""
        form = TranslationForm(
            formdata=None,
            data={"language": wanted, "text": written[wanted].text if wanted in written else ""},
        )
    if form.validate_on_submit():
        saved = translations.set_translation(
            db,
            draft(family_id),
            item.key,
            language=form.language.data,
            text=form.text.data or "",
            worker_id=g.worker.id,
        )
        if not saved:
            abort(404)  # removed in the draft meanwhile
        return redirect(
            url_for(
                ".plan_editor", family_id=family_id, oversatt=item.key,
                _anchor=f"punkt-{item.key}",
            ),
            303,
        )  # fmt: skip
    return render_template(
        "worker/plan/translation.html",
        family=family_or_404(family_id),
        item=item,
        form=form,
        written=written,
        languages_here=languages_for(replace(item, translations=written), ours),
    ), 400 if form.errors else 200


@bp.get("/familj/<id:family_id>/plan/versioner")
@staff_page()
def plan_versions(family_id: int):
    """Every version of the plan, newest first."""
    return render_template(
        "worker/plan/versions.html",
        family=family_or_404(family_id),
        versions=plans.versions(get_db(), family_id),
    )


@bp.get("/familj/<id:family_id>/plan/versioner/<id:number>")
@staff_page()
def plan_version(family_id: int, number: int):
    """One version as it was, read only, with every item and who may read it."""
    db = get_db()
    version = plans.get_version(db, family_id, number)
    if version is None:
        abort(404)
    return render_template(
        "worker/plan/version.html",
        family=family_or_404(family_id),
        version=version,
        plan=plans.plan_version(db, version.id, EVERYTHING),
        family_languages=family_languages(family_id),
    )


@bp.get("/bilder")
@staff_page()
def pictures():
    """Find pictures by a Swedish word: radio buttons for the item form (htmx), or a page."""
    query = request.args.get("q", "")[:MAX_QUERY_LENGTH]
    library = load_library()
    chosen = request.args.get("picture", "")
    return page_or_fragment(
        "worker/plan/pictures.html",
        "worker/plan/_pictures.html",
        pictures=library.search(query, limit=PICTURES_SHOWN),
        chosen=library.get(chosen) if chosen else None,
        query=query,
    )


@bp.route("/klarsprak", methods=["GET", "POST"])
@staff_page()
def plain_language():
    """The klarspråk check: live under a text field (htmx), or on its own page."""
    if htmx:
        # The item form's text fields post only themselves: which one says which target.
        for_child = "child_text" in request.form
        text = request.form.get("child_text" if for_child else "text", "")
        return render_template(
            "worker/plan/_check.html", report=report_for(text, for_child=for_child)
        )
    form = PlainLanguageForm()
    report = None
    if form.validate_on_submit():
        report = report_for(form.text.data, for_child=request.form.get("for_child") == "1")
    return render_template(
        "worker/plan/plain_language.html", form=form, report=report
    ), 400 if form.errors else 200


# Shared with the templates, so labels are written once.
@bp.context_processor
def editor_labels() -> dict:
    return {
        "kind_names": KIND_NAMES,
        "event_labels": EVENT_LABELS,
        "language_label": language_label,
        "languages_for": languages_for,
    }
