"""A repeat request for an unchanged plan page is answered 304 with nothing in it; anything the
page shows changing, or another person, device, language or release, gives the new page."""

import re

import pytest
from conftest import person, sign_in, signed_in

from familjeapp import create_app
from familjeapp.store import checkins, families, invites, plans


def first_visit(client):
    page = client.get(client.plan_url)
    assert page.status_code == 200
    assert page.headers["ETag"].startswith('W/"')
    return page


def again(client, tag, url=None):
    return client.get(url or client.plan_url, headers={"If-None-Match": tag})


def test_the_same_page_again_is_304_with_nothing_personal(parent):
    first = first_visit(parent)
    tag = first.headers["ETag"]
    repeat = again(parent, tag)
    assert repeat.status_code == 304
    assert repeat.data == b""
    assert repeat.headers["ETag"] == tag
    # Nothing personal and no new cookie; still never stored by a shared phone's cache.
    assert "Set-Cookie" not in repeat.headers
    assert repeat.headers["Cache-Control"] == "no-store"
    assert set(repeat.headers["Vary"].split(", ")) == set(first.headers["Vary"].split(", "))
    shown = " ".join(f"{k}: {v}" for k, v in repeat.headers.items())
    for personal in ("Sara", "Anna Berg", "Elsa"):
        assert personal not in shown
    # An unchanged page keeps its tag; a request without it gets the whole page.
    assert parent.get(parent.plan_url).headers["ETag"] == tag
    assert "Vår plan" in parent.get(parent.plan_url).get_data(as_text=True)


def test_a_new_check_in_gives_the_new_page(parent, db, demo):
    tag = first_visit(parent).headers["ETag"]
    version = plans.published_version(db, demo["family_id"])
    checkins.save_checkin(
        db,
        family_id=demo["family_id"],
        person_id=person(demo, "Sara")["id"],
        client_id="etag-test-checkin-0001",
        rating=3,
        words="",
        shared=False,
        rules={},
        version_id=version.id,
    )
    page = again(parent, tag)
    assert page.status_code == 200
    assert "Senast: 3 av 10, från dig" in page.get_data(as_text=True)
    assert page.headers["ETag"] != tag


def test_someone_elses_view_on_a_worry_gives_the_new_page(parent, db, demo):
    tag = first_visit(parent).headers["ETag"]
    worry = next(i for i in demo["items"] if i["kind"] == "harm" and i["visibility"] != "worker")
    plans.record_worry_view(
        db,
        family_id=demo["family_id"],
        item_key=worry["id"],
        person_id=person(demo, "Farmor Britt")["id"],
        view="partly",
        words="Ett ord från farmor",
    )
    page = again(parent, tag)
    assert page.status_code == 200
    assert "Ett ord från farmor" in page.get_data(as_text=True)


def test_a_newly_published_plan_gives_the_new_page(parent, db, demo):
    tag = first_visit(parent).headers["ETag"]
    draft = plans.draft_for(db, demo["family_id"], None)
    plans.add_item(
        db, draft, section="working", kind="strength", text="Vi äter frukost ihop.",
        visibility="everyone",
    )  # fmt: skip
    assert again(parent, tag).status_code == 304  # a draft is not shown
    plans.publish(db, draft)
    page = again(parent, tag)
    assert page.status_code == 200
    assert "Vi äter frukost ihop." in page.get_data(as_text=True)


def test_another_language_gives_the_new_page(parent, db, demo):
    tag = first_visit(parent).headers["ETag"]
    families.set_language(db, person(demo, "Sara")["id"], "en")
    page = again(parent, tag)
    assert page.status_code == 200
    assert '<html lang="en"' in page.get_data(as_text=True)


def test_a_name_changed_by_the_social_worker_gives_the_new_page(parent, db, demo):
    tag = first_visit(parent).headers["ETag"]
    db["people"].update(person(demo, "Farmor Britt")["id"], {"name": "Mormor Britt"})
    page = again(parent, tag)
    assert page.status_code == 200
    assert "Mormor Britt" in page.get_data(as_text=True)


def test_another_person_or_another_phone_never_gets_304_for_a_tag_not_theirs(app, db, demo):
    sara = signed_in(app, demo, "Sara")
    tag = first_visit(sara).headers["ETag"]
    grandmother = signed_in(app, demo, "Farmor Britt")
    theirs = again(grandmother, tag)
    assert theirs.status_code == 200
    assert theirs.headers["ETag"] != tag
    # Sara on a second phone: her own page, but with that phone's session (and CSRF token).
    other_phone = app.test_client()
    token = invites.create_invite(db, person(demo, "Sara")["id"], days=7, created_by=None)
    other_phone.plan_url = sign_in(other_phone, f"/i/{token}")
    assert other_phone.plan_url == sara.plan_url
    assert again(other_phone, tag).status_code == 200


def test_a_new_release_gives_the_new_page(app, parent):
    tag = first_visit(parent).headers["ETag"]
    released = create_app({**app.config, "DB": app.config["DATABASE"], "RELEASE": "2027.1"})
    after = released.test_client()
    after.set_cookie("familjeapp", parent.get_cookie("familjeapp").value)
    assert again(after, tag, parent.plan_url).status_code == 200
    # The same release in another process (the server's other workers) agrees on the tag.
    same = create_app({**app.config, "DB": app.config["DATABASE"]}).test_client()
    same.set_cookie("familjeapp", parent.get_cookie("familjeapp").value)
    assert again(same, tag, parent.plan_url).status_code == 304


@pytest.mark.parametrize("cookie", [("text_size", "large"), ("app_look", "neutral")])
def test_a_look_chosen_on_this_phone_gives_the_new_page(parent, cookie):
    tag = first_visit(parent).headers["ETag"]
    parent.set_cookie(*cookie)
    assert again(parent, tag).status_code == 200


CLIENT_ID = re.compile(r'name="client_id" type="hidden" value="([^"]+)"')


def test_the_same_page_again_is_kept_but_its_forms_get_new_ids(parent):
    """The server keeps the page it built for this tag (page_cache.py); each answer still gets
    ids of its own for its forms, so two tabs never send the same id."""
    first = first_visit(parent).get_data(as_text=True)
    second = parent.get(parent.plan_url).get_data(as_text=True)
    first_ids, second_ids = CLIENT_ID.findall(first), CLIENT_ID.findall(second)
    assert len(first_ids) >= 3 and len(set(first_ids)) == len(first_ids)
    assert set(first_ids).isdisjoint(second_ids)
    assert all(re.fullmatch(r"[A-Za-z0-9_-]{16,64}", i) for i in first_ids + second_ids)
    assert CLIENT_ID.sub("", first) == CLIENT_ID.sub("", second)
    assert "__picture_sheet__" not in second and "/bilder/" in second
