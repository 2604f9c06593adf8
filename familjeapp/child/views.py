"""The child's own pages: the picture scale (Hur känns det hemma?), the three houses (Tre hus),
the safety house (Det trygga hemmet), the story (Ord och bilder) and who helps (Vem hjälper mig?).

A child reads only plan items whose visibility is "everyone", in child words where there are
some. What a child answers or adds is saved for the social worker only.
"""

import secrets
from datetime import datetime

from flask import Blueprint, abort, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ..access import family_page, visibilities
from ..chart import scale_chart
from ..db import get_db
from ..pictures import MAX_QUERY_LENGTH, load_library
from ..store import checkins, children, families, plans
from .forms import CHILD_WORDS_MAX, FeelingForm, HouseForm

bp = Blueprint("child", __name__, url_prefix="/barn/<id:family_id>")

# The houses as the child's addresses name them (Swedish words, like every family address).
HOUSE_SLUGS = {"oro": "worries", "bra": "good", "drommar": "dreams"}
SLUG_OF = {house: slug for slug, house in HOUSE_SLUGS.items()}
# A handful of big pictures to tap, chosen for each house; a search by word finds others.
HOUSE_PICTURES = {
    "worries": (
        "cloud-with-rain", "cloud-with-lightning", "ghost", "angry-face", "crying-face",
        "broken-heart", "fearful-face", "loudspeaker", "door", "bed", "school", "sleeping-face",
    ),
    "good": (
        "red-heart", "people-hugging", "dog-face", "cat-face", "soccer-ball", "teddy-bear",
        "sun-with-face", "pizza", "books", "bicycle", "school", "musical-note",
    ),
    "dreams": (
        "rainbow", "unicorn", "glowing-star", "house-with-garden", "birthday-cake", "airplane",
        "artist-palette", "video-game", "people-hugging", "red-heart", "sparkles",
        "beach-with-umbrella",
    ),
}  # fmt: skip
FEELING_PICTURES = (
    "red-heart", "people-hugging", "sun-with-face", "cloud-with-rain", "ghost", "dog-face",
    "school", "sleeping-face",
)  # fmt: skip
PICTURES_FOUND = 12


def child_plan(family_id: int) -> plans.Plan | None:
    """The published plan as a child may read it: items for everyone only."""
    return plans.published_plan(get_db(), family_id, visibilities("child"))


def picture_choices(ids, chosen: str | None = None) -> list:
    """Library pictures to tap, the one already chosen first so it is never lost."""
    library = load_library()
    ids = ([chosen] if chosen and chosen not in ids else []) + list(ids)
    return [library.get(pid) for pid in ids if library.exists(pid)]


def _forget_bad_input(form) -> None:
    """A refused value is never shown back, only what was wrong with it."""
    for field in form:
        if field.errors and field.name != "csrf_token":
            field.data = None if field.name != "words" else ""


@bp.get("/")
@family_page("child")
def home(family_id: int):
    """The child's start page: big pictures to each page, and who to call for help now."""
    return render_template("child/home.html")


@bp.route("/hur-kanns-det", methods=["GET", "POST"])
@family_page("child")
def feelings(family_id: int):
    """Hur känns det hemma? Eleven faces, one tap, and a picture or words if the child wants.

    Saved exactly once: a resend of the same form finds the answer already made.
    """
    form = FeelingForm()
    if request.method == "GET":
        form.client_id.data = secrets.token_urlsafe(18)
    message, status = None, 200
    if form.validate_on_submit():
        the_plan = child_plan(family_id)
        try:
            checkins.save_checkin(
                get_db(),
                family_id=family_id,
                person_id=g.person.id,
                client_id=form.client_id.data,
                rating=int(form.rating.data),
                words=(form.words.data or "").strip(),
                shared=False,
                rules={},
                version_id=the_plan.version_id if the_plan else None,
                picture=form.picture.data or None,
            )
        except checkins.CheckinConflict:
            form.client_id.data = secrets.token_urlsafe(18)
            message = _(
                "This was saved before with another answer. Choose again and press the button."
            )
            status = 409
        else:
            return redirect(url_for(".thanks", family_id=family_id), 303)
    elif form.errors:
        _forget_bad_input(form)
        status = 400
    return render_template(
        "child/feelings.html",
        form=form,
        message=message,
        pictures=picture_choices(FEELING_PICTURES, form.picture.data),
        words_max=CHILD_WORDS_MAX,
    ), status


@bp.get("/hur-kanns-det/tack")
@family_page("child")
def thanks(family_id: int):
    """Thank you, and who sees the answer: the social worker only."""
    return render_template("child/thanks.html")


@bp.route("/prata", methods=["GET", "POST"])
@family_page("child")
def talk(family_id: int):
    """Jag vill prata med någon: pressing it tells the social worker at once (the most urgent
    signal, once while it waits); the page says who will get in touch and when, and shows
    BRIS and 112. No one else in the family can see that it was pressed."""
    db = get_db()
    if request.method == "POST":
        checkins.child_wants_to_talk(db, family_id=family_id, person_id=g.person.id)
        return redirect(url_for(".talk", family_id=family_id), 303)
    worker = families.get_family(db, family_id).worker
    return render_template(
        "child/talk.html",
        asked=checkins.wants_to_talk_open(db, g.person.id),
        # A child knows the worker by first name: "Anna", not "Anna Berg".
        worker_name=worker.name.split()[0] if worker and worker.name.strip() else None,
    )


@bp.get("/tre-hus")
@family_page("child")
def houses(family_id: int):
    """Tre hus: what the worker wrote with the child in each house, and the child's own things."""
    the_plan = child_plan(family_id)
    own = children.own_additions(get_db(), g.person.id)
    saved = request.args.get("sparat")
    return render_template(
        "child/houses.html",
        houses=[
            (
                house,
                SLUG_OF[house],
                the_plan.of_kind(kind) if the_plan else [],
                [a for a in own if a.house == house],
            )
            for house, kind in plans.HOUSES.items()
        ],
        # Only a house's own name is ever shown back, never the address's word.
        saved=HOUSE_SLUGS.get(saved),
    )


@bp.route("/tre-hus/<slug>/lagg-till", methods=["GET", "POST"])
@family_page("child")
def add_to_house(family_id: int, slug: str):
    """Put a thing of the child's own in a house: a picture chosen by tapping, and words if
    the child wants. Saved exactly once, for the social worker only."""
    house = HOUSE_SLUGS.get(slug)
    if house is None:
        return render_template(
            "errors/error.html",
            title=_("That house does not exist"),
            message=_("There are three houses: worries, good things and dreams."),
        ), 404
    form = HouseForm()
    if request.method == "GET":
        form.client_id.data = secrets.token_urlsafe(18)
    query = (request.args.get("ord") or "").strip()[:MAX_QUERY_LENGTH]
    message, status = None, 200
    if form.validate_on_submit():
        try:
            children.add_to_house(
                get_db(),
                family_id=family_id,
                person_id=g.person.id,
                client_id=form.client_id.data,
                house=house,
                picture=form.picture.data or None,
                words=(form.words.data or "").strip(),
            )
        except children.AdditionConflict:
            form.client_id.data = secrets.token_urlsafe(18)
            message = _(
                "This was saved before with something else. Choose again and press the button."
            )
            status = 409
        else:
            target = url_for(".houses", family_id=family_id, sparat=slug, _anchor=f"hus-{slug}")
            return redirect(target, 303)
    elif form.errors:
        _forget_bad_input(form)
        status = 400
    found = [p.id for p in load_library().search(query, limit=PICTURES_FOUND)] if query else []
    return render_template(
        "child/add_to_house.html",
        form=form,
        house=house,
        slug=slug,
        query=query,
        searched=bool(query),
        pictures=picture_choices(found if query else HOUSE_PICTURES[house], form.picture.data),
        message=message,
        words_max=CHILD_WORDS_MAX,
    ), status


@bp.get("/trygga-hemmet")
@family_page("child")
def safety_house(family_id: int):
    """Det trygga hemmet: who lives there and who comes to help, the rules on the roof in child
    words, and the path to safety drawn as the child's own scale over time."""
    db = get_db()
    the_plan = child_plan(family_id)
    people = families.family_people(db, family_id)
    own = [
        c
        for c in checkins.visible_checkins(
            db, family_id, viewer_id=g.person.id, viewer_role="child"
        )
        if c.person_id == g.person.id and c.rating is not None
    ]
    chart = scale_chart(
        [(g.person.name, datetime.fromisoformat(c.created_at), c.rating) for c in own], []
    )
    rules = []
    if the_plan:
        # The plan's own rules reach a child only where the worker wrote them in child words.
        rules = the_plan.of_kind("safety_rule") + [
            rule for rule in the_plan.of_kind("rule") if rule.child_text
        ]
    return render_template(
        "child/safety_house.html",
        living=[p for p in people if p.role in ("parent", "child")],
        helping=[p for p in people if p.role == "network"],
        safety_people=the_plan.of_kind("safety_person") if the_plan else [],
        rules=rules,
        chart=chart,
        ratings=own,
    )


@bp.get("/ord-och-bilder")
@family_page("child")
def story(family_id: int):
    """Ord och bilder: the story for the child, one page at a time (?sida=2)."""
    the_plan = child_plan(family_id)
    pages = the_plan.of_kind("story_page") if the_plan else []
    number = request.args.get("sida", 1, type=int)
    if pages and not 1 <= number <= len(pages):
        abort(404)
    return render_template(
        "child/story.html",
        pages=pages,
        number=number,
        page=pages[number - 1] if pages else None,
    )


@bp.get("/vem-hjalper-mig")
@family_page("child")
def who_helps(family_id: int):
    """Vem hjälper mig? The parents' and the network's faces, and what each does for the child
    (their promises in the plan, where a child may read them)."""
    the_plan = child_plan(family_id)
    people = families.family_people(get_db(), family_id)
    return render_template(
        "child/who_helps.html",
        helpers=[
            (p, the_plan.commitments_of(p.id) if the_plan else [])
            for p in people
            if p.role in ("parent", "network")
        ],
        safety_people=the_plan.of_kind("safety_person") if the_plan else [],
    )
