"""A person's copy of their data (GDPR art. 15): the worker prepares it, reviews it, leaves out
what secrecy keeps back, and hands over a link that works once; the person downloads one ZIP."""

import io
import json
import re
import secrets
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from conftest import csrf_token, person, sign_in_worker
from PIL import Image

from familjeapp.photos import clean_photo
from familjeapp.store import audit, checkins, children, families, plans, retention, timestamp
from familjeapp.store import data_copies as store
from familjeapp.store import photos as photo_store

LINK = re.compile(r'id="copy-link" type="text" readonly value="https?://[^"/]+(/kopia/[^"]+)"')


def tiny_jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(out, "JPEG")
    return out.getvalue()


def checkin(db, demo, name, words, *, rating=6):
    who = person(demo, name)["id"]
    checkin_id, _made = checkins.save_checkin(
        db, family_id=demo["family_id"], person_id=who, client_id=secrets.token_urlsafe(12),
        rating=rating, words=words, shared=False, rules={}, version_id=None,
    )  # fmt: skip
    return checkin_id


@pytest.fixture
def worker(app, demo):
    client = app.test_client()
    sign_in_worker(client, demo["workers"][0])
    return client


def prepare(worker, demo, name="Sara"):
    family = demo["family_id"]
    page = worker.get(f"/personal/familj/{family}")
    made = worker.post(
        f"/personal/familj/{family}/personer/{person(demo, name)['id']}/kopia",
        data={"csrf_token": csrf_token(page)},
    )
    assert made.status_code == 303, made.status_code
    return made.location


def hand_over(worker, review_url, left_out=()):
    page = worker.get(review_url)
    data = {"csrf_token": csrf_token(page), "action": "hand_over", "leave_out": list(left_out)}
    data.update({f"reason-{part}": "other_person" for part in left_out})
    shown = worker.post(review_url, data=data)
    assert shown.status_code == 200, shown.status_code
    return LINK.search(shown.get_data(as_text=True)).group(1)


def download(app, link):
    """What the person does: open the link, press Ladda ner."""
    phone = app.test_client()
    page = phone.get(link)
    assert page.status_code == 200
    return phone, phone.post(link, data={"csrf_token": csrf_token(page)})


def unzip(response) -> dict:
    with zipfile.ZipFile(io.BytesIO(response.get_data())) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_sara_downloads_her_own_checkins_and_nobody_elses(app, db, demo, other_demo, worker):
    checkin(db, demo, "Sara", "Det gick bra i veckan")
    checkin(db, demo, "Farmor Britt", "Britts egna ord")
    checkin(db, other_demo, "Sara", "En annan familjs Sara")
    link = hand_over(worker, prepare(worker, demo))
    _phone, answer = download(app, link)
    assert answer.status_code == 200
    assert answer.headers["Content-Type"] == "application/zip"
    files = unzip(answer)
    assert {"copy.html", "copy.json"} <= set(files)
    data = json.loads(files["copy.json"])
    assert data["format"] == "familjeapp-data-copy/1"
    sections = {s["key"]: s["items"] for s in data["sections"]}
    assert [c["words"] for c in sections["checkins"]] == ["Det gick bra i veckan"]
    assert sections["person"][0]["name"] == "Sara"
    html = files["copy.html"].decode()
    assert "Det gick bra i veckan" in html and '<html lang="sv" dir="ltr">' in html
    everything = files["copy.html"] + files["copy.json"]
    for other in ("Britts egna ord", "En annan familjs Sara"):
        assert other.encode() not in everything


def test_the_copy_holds_no_secret(app, db, demo, worker):
    sara = person(demo, "Sara")["id"]
    hashes = [r[0] for r in db.execute(
        "SELECT token_hash FROM invites WHERE person_id = ? UNION ALL "
        "SELECT code_hash FROM people WHERE id = ? AND code_hash IS NOT NULL UNION ALL "
        "SELECT token_hash FROM sessions WHERE person_id = ?", [sara, sara, sara],
    )]  # fmt: skip
    assert hashes
    content = db.execute("SELECT content FROM data_copies").fetchall()
    assert content == []
    prepare(worker, demo)
    (content,) = db.execute("SELECT content FROM data_copies").fetchone()
    assert not any(h in content for h in hashes)
    assert "hash" not in content and "totp" not in content


def test_a_left_out_part_is_not_in_the_zip_and_the_reason_is_audited(app, db, demo, worker):
    kept = checkin(db, demo, "Sara", "Det här får Sara se")
    secret = checkin(db, demo, "Sara", "Det pappa sa om mamma")
    review = prepare(worker, demo)
    assert "Det pappa sa om mamma" in worker.get(review).get_data(as_text=True)
    link = hand_over(worker, review, left_out=[f"checkin-{secret}"])
    files = unzip(download(app, link)[1])
    everything = files["copy.html"] + files["copy.json"]
    assert b"Det pappa sa om mamma" not in everything
    assert "Det här får Sara se".encode() in everything
    data = json.loads(files["copy.json"])
    assert data["left_out"] == [{"section": "checkins", "count": 1, "reasons": ["other_person"]}]
    assert [c["id"] for c in data["sections"][3]["items"]] == [f"checkin-{kept}"]
    left = audit.rows(db, action="data_copy_left_out")
    assert [r["object_id"].split("/", 1)[1] for r in left] == [f"checkin-{secret}/other_person"]
    assert "pappa" not in str(audit.rows(db))


def test_a_whole_part_can_be_left_out(app, db, demo, worker):
    checkin(db, demo, "Sara", "Första")
    checkin(db, demo, "Sara", "Andra")
    link = hand_over(worker, prepare(worker, demo), left_out=["section-checkins"])
    files = unzip(download(app, link)[1])
    assert b"F\xc3\xb6rsta" not in files["copy.json"] and b"Andra" not in files["copy.json"]
    assert json.loads(files["copy.json"])["left_out"][0]["count"] == 2


def test_the_link_works_once_and_opening_it_uses_nothing(app, db, demo, worker):
    link = hand_over(worker, prepare(worker, demo))
    phone = app.test_client()
    for _preview in range(3):  # a chat app's preview, then the person
        page = phone.get(link)
        assert page.status_code == 200
        assert page.headers["Referrer-Policy"] == "no-referrer"
        assert page.headers["Cache-Control"] == "no-store"
    assert "Ladda ner" in page.get_data(as_text=True)
    assert phone.post(link, data={"csrf_token": csrf_token(page)}).status_code == 200
    again = phone.post(link, data={"csrf_token": csrf_token(page)})
    assert again.status_code == 410
    assert "Länken fungerar inte" in again.get_data(as_text=True)
    assert phone.get(link).status_code == 410
    assert app.test_client().get("/kopia/" + "x" * 43).status_code == 404


def test_the_download_needs_the_csrf_token(app, demo, worker):
    link = hand_over(worker, prepare(worker, demo))
    phone = app.test_client()
    phone.get(link)
    assert phone.post(link, data={}).status_code == 400
    assert phone.get(link).status_code == 200  # still unused


def test_an_expired_link_does_not_work(app, db, demo, worker):
    link = hand_over(worker, prepare(worker, demo))
    db.execute("UPDATE data_copies SET expires_at = ?", [timestamp()])
    phone = app.test_client()
    page = phone.get(link)
    assert page.status_code == 410
    assert "för gammal" in page.get_data(as_text=True)
    token = csrf_token(phone.get("/utloggad"))
    assert phone.post(link, data={"csrf_token": token}).status_code == 410


def test_the_person_page_is_in_the_persons_language(app, db, demo, worker):
    families.set_language(db, person(demo, "Sara")["id"], "ar")
    link = hand_over(worker, prepare(worker, demo))
    phone, answer = download(app, link)
    html = unzip(answer)["copy.html"].decode()
    assert '<html lang="ar" dir="rtl">' in html
    assert 'lang="ar"' in phone.get(link).get_data(as_text=True)


def test_prepare_hand_over_and_download_are_audited(app, db, demo, worker):
    link = hand_over(worker, prepare(worker, demo))
    download(app, link)
    actions = [
        (r["action"], r["actor_type"])
        for r in audit.rows(db, family_id=demo["family_id"])
        if r["action"].startswith("data_copy")
    ]
    assert actions == [
        ("data_copy_prepared", "worker"),
        ("data_copy_reviewed", "worker"),
        ("data_copy_handed_over", "worker"),
        ("data_copy_downloaded", "person"),
    ]
    reads = [r["object_type"] for r in audit.rows(db, family_id=demo["family_id"], action="read")]
    assert "worker.data_copy" in reads


def test_what_was_reviewed_is_what_is_downloaded(app, db, demo, worker):
    review = prepare(worker, demo)
    checkin(db, demo, "Sara", "Skrivet efter granskningen")
    files = unzip(download(app, hand_over(worker, review))[1])
    assert b"Skrivet efter granskningen" not in files["copy.json"]


def test_a_handed_over_copy_cannot_be_changed(app, db, demo, worker):
    review = prepare(worker, demo)
    hand_over(worker, review)
    page = worker.get(review)
    assert 'name="leave_out"' not in page.get_data(as_text=True)
    again = worker.post(review, data={"csrf_token": csrf_token(page), "action": "hand_over"})
    assert again.status_code == 409
    assert len(audit.rows(db, action="data_copy_handed_over")) == 1


def test_the_copy_holds_commitments_views_and_staff_reads(app, db, demo, worker):
    britt = person(demo, "Farmor Britt")["id"]
    plan = plans.published_plan(db, demo["family_id"], frozenset({"everyone", "adults"}))
    commitment = plan.commitments_of(britt)[0]
    checkins.respond_to_commitment(
        db, family_id=demo["family_id"], commitment_key=commitment.key, person_id=britt,
        response="withdrawn", reason="Min rygg",
    )  # fmt: skip
    worker.get(f"/personal/familj/{demo['family_id']}")
    copy_id = store.prepare(db, britt, worker_id=demo_worker_id(db))
    content = store.get_copy(db, demo["family_id"], copy_id).content
    sections = {s["key"]: s["items"] for s in content["sections"]}
    assert commitment.text in [c["text"] for c in sections["commitments"]]
    assert sections["commitment_answers"][0]["reason"] == "Min rygg"
    assert sections["rules"] and sections["rules"][0]["text"]
    assert any(r["worker"] == "Anna Berg" and r["what"] == "read" for r in sections["staff_access"])


def demo_worker_id(db):
    return db.execute("SELECT id FROM workers WHERE name = 'Anna Berg'").fetchone()[0]


def test_another_teams_worker_cannot_see_or_prepare_a_copy(app, db, demo, worker):
    review = prepare(worker, demo)
    other = app.test_client()
    sign_in_worker(other, demo["workers"][1])
    assert other.get(review).status_code == 404
    page = other.get("/personal/")
    sara = person(demo, "Sara")["id"]
    made = other.post(
        f"/personal/familj/{demo['family_id']}/personer/{sara}/kopia",
        data={"csrf_token": csrf_token(page)},
    )
    assert made.status_code == 404
    assert db.execute("SELECT COUNT(*) FROM data_copies").fetchone()[0] == 1


def test_deleting_a_closed_case_deletes_its_copies(app, db, demo, worker):
    link = hand_over(worker, prepare(worker, demo))
    long_ago = timestamp(store.now() - timedelta(days=400))
    db.execute("UPDATE families SET closed_at = ? WHERE id = ?", [long_ago, demo["family_id"]])
    assert retention.delete_case(db, demo["family_id"], days=365, actor_type="system")
    assert db.execute("SELECT COUNT(*) FROM data_copies").fetchone()[0] == 0
    assert app.test_client().get(link).status_code == 404


def test_the_proxy_log_leaves_the_copy_links_token_out():
    nginx = (Path(__file__).parent.parent / "deploy" / "nginx.conf").read_text()
    assert re.search(r"~\^/kopia/\s+/kopia/\[copy\];", nginx)


def test_a_childs_copy_holds_the_childs_houses_and_photo(app, db, demo, worker):
    elsa = person(demo, "Elsa")["id"]
    children.add_to_house(
        db, family_id=demo["family_id"], person_id=elsa, client_id="h-1", house="dreams",
        picture=None, words="En hund som heter Sixten",
    )  # fmt: skip
    photo = photo_store.save_photo(db, demo["family_id"], clean_photo(tiny_jpeg()))
    db.execute("UPDATE people SET photo_id = ? WHERE id = ?", [photo, elsa])
    files = unzip(download(app, hand_over(worker, prepare(worker, demo, "Elsa")))[1])
    assert files["photo.jpg"].startswith(b"\xff\xd8")
    html = files["copy.html"].decode()
    assert "En hund som heter Sixten" in html and "Drömhuset" in html


def test_the_review_marks_a_rule_the_person_does_not_see_in_the_app(app, demo, worker):
    page = worker.get(prepare(worker, demo, "Elsa")).get_data(as_text=True)

    def part(text):
        return page.split(text)[1].split("copy-item")[0]

    hint = "Personen ser inte det här i appen"
    assert hint in part("Johan dricker inte alkohol när Elsa är hemma.")  # for adults
    assert hint not in part("En nykter vuxen hämtar Elsa från skolan varje dag.")
