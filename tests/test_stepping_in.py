"""Who steps in (issue 11): farmor Britt cannot keep a commitment any more, the other adults see
it at the top of their plan, one answers "Jag kan ta det", and the worker puts it in the plan."""

import secrets

import pytest
from conftest import csrf_token, person, sign_in_worker, signed_in

from familjeapp.store import audit, checkins, plans, stepping_in

BED = "Jag har alltid en säng redo för Sara och Elsa."
REASON = "Jag ska opereras och kan inte ha gäster."


def britts_bed(db, demo) -> str:
    britt = person(demo, "Farmor Britt")["id"]
    return db.execute(
        "SELECT commitment_key FROM commitments WHERE person_id = ? AND text = ?", [britt, BED]
    ).fetchone()[0]


def withdraw(client, db, demo) -> str:
    """Farmor Britt says she cannot any more, through her own form."""
    key = britts_bed(db, demo)
    response = client.post(
        f"/familj/{demo['family_id']}/lofte/{key}",
        data={
            "csrf_token": csrf_token(client.get(client.plan_url)),
            "response": "withdrawn",
            "reason": REASON,
        },
    )
    assert response.status_code == 303
    return key


def step_in(client, demo, key, client_id=None, **extra):
    data = {
        "csrf_token": csrf_token(client.get(client.plan_url)),
        "client_id": client_id or secrets.token_urlsafe(18),
    }
    return client.post(f"/familj/{demo['family_id']}/lofte/{key}/jag-tar-det", data=data, **extra)


def card(html: str, key: str) -> str:
    start = html.find(f'id="ta-over-{key}"')
    return html[start : html.find("</li>", start)] if start >= 0 else ""


@pytest.fixture
def britt(app, demo):
    return signed_in(app, demo, "Farmor Britt")


@pytest.fixture
def karim(app, demo):
    return signed_in(app, demo, "Morbror Karim")


@pytest.fixture
def sara(app, demo):
    return signed_in(app, demo, "Sara")


def test_the_others_see_it_at_the_top_of_their_plan_and_not_the_reason(
    app, db, demo, other_demo, britt, karim, sara
):
    for client in (karim, sara):
        assert "Kan du hjälpa till?" not in client.get(client.plan_url).get_data(as_text=True)
    key = withdraw(britt, db, demo)
    for client in (karim, sara):
        html = client.get(client.plan_url).get_data(as_text=True)
        shown = card(html, key)
        # The name kept whole (<bdi>), for a sentence in Arabic or Persian around it.
        assert "<bdi>Farmor Britt</bdi> kan inte längre:" in shown
        assert BED in shown
        assert "Kan du ta det?" in shown and "Jag kan ta det" in shown
        # At the top: before her own promises and the rules.
        assert html.find("Kan du hjälpa till?") < html.find("Våra regler")
        assert REASON not in html
    # Not to the one who cannot any more, not a child, not another family.
    assert card(britt.get(britt.plan_url).get_data(as_text=True), key) == ""
    elsa = signed_in(app, demo, "Elsa")
    for url in (f"/familj/{demo['family_id']}/plan", f"/barn/{demo['family_id']}/"):
        assert BED not in elsa.get(url, follow_redirects=True).get_data(as_text=True)
    other = signed_in(app, other_demo, "Sara")
    assert "kan inte längre" not in other.get(other.plan_url).get_data(as_text=True)
    assert step_in(other, demo, key).status_code == 404
    assert step_in(elsa, demo, key).status_code == 404
    assert step_in(britt, demo, key).status_code == 404


def test_a_commitment_the_reader_may_not_see_is_not_shown(app, db, demo, britt, karim, sara):
    """A promise for a rule only the parents see: the network never hears of it."""
    family = demo["family_id"]
    draft = plans.draft_for(db, family, None)
    secret = plans.add_item(
        db, draft, section="rules", kind="rule", text="Bara för föräldrarna.", visibility="parents"
    )
    ids = {p["name"]: p["id"] for p in demo["people"]}
    key = plans.add_commitment(
        db, draft, rule_key=secret, person_id=ids["Johan"], text="Jag går till mötena."
    )
    plans.publish(db, draft)
    checkins.respond_to_commitment(
        db, family_id=family, commitment_key=key, person_id=ids["Johan"],
        response="withdrawn", reason="x",
    )  # fmt: skip
    assert "Jag går till mötena." in card(sara.get(sara.plan_url).get_data(as_text=True), key)
    assert "Jag går till mötena." not in karim.get(karim.plan_url).get_data(as_text=True)
    assert step_in(karim, demo, key).status_code == 404


def test_karim_takes_it_and_everyone_sees_who(db, demo, britt, karim, sara):
    key = withdraw(britt, db, demo)
    response = step_in(karim, demo, key)
    assert response.status_code == 303
    assert response.location.endswith(f"#ta-over-{key}")
    assert "Du tar det." in card(karim.get(karim.plan_url).get_data(as_text=True), key)
    shown = card(sara.get(sara.plan_url).get_data(as_text=True), key)
    assert "<bdi>Morbror Karim</bdi> tar det" in shown
    assert "Jag kan ta det" not in shown
    # Sara answers after him: his offer stands, she sees who took it.
    late = step_in(sara, demo, key, headers={"HX-Request": "true"})
    assert late.status_code == 200
    assert "<bdi>Morbror Karim</bdi> tar det" in late.get_data(as_text=True)
    assert "<html" not in late.get_data(as_text=True)
    assert db.execute("SELECT COUNT(*) FROM stepping_in").fetchone()[0] == 1
    kinds = [s["kind"] for s in checkins.open_signals(db, demo["family_id"])]
    assert kinds.count("someone_steps_in") == 1


def test_with_htmx_the_card_is_swapped_and_says_so(db, demo, britt, karim):
    key = withdraw(britt, db, demo)
    response = step_in(karim, demo, key, headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.lstrip().startswith("<li") and f'id="ta-over-{key}"' in html
    assert 'role="status"' in html and "Du tar det." in html


def test_a_resend_with_the_same_id_is_kept_once(db, demo, britt, karim):
    key = withdraw(britt, db, demo)
    same = secrets.token_urlsafe(18)
    assert step_in(karim, demo, key, client_id=same).status_code == 303
    assert step_in(karim, demo, key, client_id=same).status_code == 303
    assert db.execute("SELECT COUNT(*) FROM stepping_in").fetchone()[0] == 1
    assert (
        db.execute(
            "SELECT COUNT(*) FROM attention_signals WHERE kind = 'someone_steps_in'"
        ).fetchone()[0]
        == 1
    )


def test_bad_input_is_refused_kindly(db, demo, britt, karim):
    key = withdraw(britt, db, demo)
    no_token = karim.post(f"/familj/{demo['family_id']}/lofte/{key}/jag-tar-det", data={})
    assert no_token.status_code == 400
    bad_id = step_in(karim, demo, key, client_id="<script>")
    assert bad_id.status_code == 400
    assert "Ladda om sidan och försök igen." in bad_id.get_data(as_text=True)
    assert step_in(karim, demo, "no-such-key").status_code == 404
    assert step_in(karim, demo, "x" * 3000).status_code in (404, 414)
    assert karim.get(f"/familj/{demo['family_id']}/lofte/{key}/jag-tar-det").status_code == 405
    assert db.execute("SELECT COUNT(*) FROM stepping_in").fetchone()[0] == 0


def test_the_store_keeps_the_first_offer_and_refuses_the_withdrawer(db, demo):
    family = demo["family_id"]
    ids = {p["name"]: p["id"] for p in demo["people"]}
    key = britts_bed(db, demo)
    checkins.respond_to_commitment(
        db, family_id=family, commitment_key=key, person_id=ids["Farmor Britt"],
        response="withdrawn", reason=REASON,
    )  # fmt: skip
    plan = plans.published_plan(db, family, frozenset({"everyone", "adults"}))
    (found,) = stepping_in.withdrawn(db, family, plan, viewer_id=ids["Morbror Karim"])
    assert found.commitment.key == key and found.offer is None
    assert stepping_in.withdrawn(db, family, plan, viewer_id=ids["Farmor Britt"]) == []
    with pytest.raises(ValueError):
        stepping_in.offer(db, family_id=family, withdrawal=found, person_id=ids["Farmor Britt"])
    first, made = stepping_in.offer(
        db, family_id=family, withdrawal=found, person_id=ids["Morbror Karim"], client_id="a" * 20
    )
    assert made and first.person_name == "Morbror Karim"
    again, made = stepping_in.offer(
        db, family_id=family, withdrawal=found, person_id=ids["Sara"], client_id="b" * 20
    )
    assert not made and again.id == first.id
    # She confirms again later: nothing is left to take over.
    checkins.respond_to_commitment(
        db, family_id=family, commitment_key=key, person_id=ids["Farmor Britt"],
        response="confirmed", reason="",
    )  # fmt: skip
    plan = plans.published_plan(db, family, frozenset({"everyone", "adults"}))
    assert stepping_in.withdrawn(db, family, plan, viewer_id=ids["Morbror Karim"]) == []


def test_the_worker_puts_it_in_the_plan_and_the_next_version_has_it(app, db, demo, britt, karim):
    family = demo["family_id"]
    key = withdraw(britt, db, demo)
    step_in(karim, demo, key)
    worker = app.test_client()
    sign_in_worker(worker, demo["workers"][0])
    dashboard = worker.get("/personal/").get_data(as_text=True)
    assert "Morbror Karim kan ta det som Farmor Britt inte kan längre" in dashboard
    assert REASON not in dashboard
    page = worker.get(f"/personal/familj/{family}").get_data(as_text=True)
    assert "Lägg in i planen" in page
    offer_id = db.execute("SELECT id FROM stepping_in").fetchone()[0]
    url = f"/personal/familj/{family}/tar-over/{offer_id}/lagg-in"
    assert worker.post(url, data={}).status_code == 400  # no CSRF token
    placed = worker.post(url, data={"csrf_token": csrf_token(page)})
    assert placed.status_code == 303
    assert f"/personal/familj/{family}/plan#punkt-" in placed.location
    # Pressed again: nothing more happens.
    assert worker.post(url, data={"csrf_token": csrf_token(page)}).status_code == 303
    assert "someone_steps_in" not in [s["kind"] for s in checkins.open_signals(db, family)]
    ids = {p["name"]: p["id"] for p in demo["people"]}
    # Nothing reaches the family before the worker publishes the draft.
    published = plans.published_plan(db, family, frozenset({"everyone", "adults"}))
    assert [c.person_name for c in published.commitments if c.text == BED] == ["Farmor Britt"]
    editor = worker.get(f"/personal/familj/{family}/plan").get_data(as_text=True)
    worker.post(
        f"/personal/familj/{family}/plan/publicera", data={"csrf_token": csrf_token(editor)}
    )
    newest = plans.published_plan(db, family, frozenset({"everyone", "adults"}))
    assert newest.number == published.number + 1
    (moved,) = [c for c in newest.commitments if c.text == BED]
    assert moved.person_id == ids["Morbror Karim"] and moved.status == "waiting"
    assert moved.rule_key == next(c.rule_key for c in published.commitments if c.key == key)
    assert [
        c for c in newest.commitments if c.person_id == ids["Farmor Britt"] and c.text == BED
    ] == []
    # Karim now has it among his own promises; nobody is asked to take it any more.
    html = karim.get(karim.plan_url).get_data(as_text=True)
    assert "Kan du hjälpa till?" not in html and BED in html
    assert audit.rows(db, family_id=family, action="change")[-1]["object_type"] in (
        "worker.place_offer",
        "worker.plan_publish",
    )
    assert any(
        r["object_type"] == "worker.place_offer" and r["object_id"] == str(offer_id)
        for r in audit.rows(db, family_id=family, action="change")
    )


def test_another_team_cannot_place_it_and_a_wrong_offer_is_404(
    app, db, demo, other_demo, britt, karim
):
    key = withdraw(britt, db, demo)
    step_in(karim, demo, key)
    offer_id = db.execute("SELECT id FROM stepping_in").fetchone()[0]
    outsider = app.test_client()
    sign_in_worker(outsider, demo["workers"][1])
    token = csrf_token(outsider.get("/personal/familjer/ny"))
    url = f"/personal/familj/{demo['family_id']}/tar-over/{offer_id}/lagg-in"
    assert outsider.post(url, data={"csrf_token": token}).status_code == 404
    worker = app.test_client()
    sign_in_worker(worker, demo["workers"][0])
    token = csrf_token(worker.get("/personal/familjer/ny"))
    other_family = f"/personal/familj/{other_demo['family_id']}/tar-over/{offer_id}/lagg-in"
    assert worker.post(other_family, data={"csrf_token": token}).status_code == 404
    assert db.execute("SELECT placed_at FROM stepping_in").fetchone()[0] is None
