"""A worker adds a family member with a photo; it reaches the family with no trace of where
or when it was taken, and no one else."""

import io
import re

import pytest
from conftest import csrf_token, person, sign_in, sign_in_worker
from PIL import Image

GPS_IFD = 0x8825


def phone_photo_with_gps() -> bytes:
    image = Image.new("RGB", (1600, 1200), (200, 120, 40))
    exif = Image.Exif()
    exif[0x010F] = "Telefonmärke"  # Make
    exif[0x0110] = "Modell X"  # Model
    exif[GPS_IFD] = {1: "N", 2: (59.0, 19.0, 48.0), 3: "E", 4: (18.0, 4.0, 12.0)}
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    data = out.getvalue()
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(GPS_IFD)  # the test photo has GPS
    return data


@pytest.fixture
def worker(app, demo):
    client = app.test_client()
    sign_in_worker(client, demo["workers"][0])
    return client


def add_person(worker, family_id, **fields):
    url = f"/personal/familj/{family_id}/personer/ny"
    data = {"csrf_token": csrf_token(worker.get(url)), "role": "network", "name": "Moster Lena",
            "relation": "moster", "language": "sv", **fields}  # fmt: skip
    return worker.post(url, data=data, content_type="multipart/form-data")


def photo_path(page: str) -> str:
    return re.search(r'src="(/[^"]+/foto/\d+)"', page).group(1)


def test_a_phone_photo_loses_its_gps_position_before_it_is_stored(worker, demo, db):
    response = add_person(
        worker, demo["family_id"], photo=(io.BytesIO(phone_photo_with_gps()), "lena.jpg")
    )
    assert response.status_code == 303
    stored = db.execute("SELECT data, width, height FROM photos").fetchone()
    image = Image.open(io.BytesIO(stored[0]))
    assert not image.getexif() and not image.getexif().get_ifd(GPS_IFD)
    assert b"Exif" not in stored[0] and "Telefonmärke".encode() not in stored[0]
    assert max(stored[1], stored[2]) <= 800


def test_the_family_sees_the_photo_and_another_family_does_not(app, worker, demo, other_demo):
    add_person(worker, demo["family_id"], photo=(io.BytesIO(phone_photo_with_gps()), "lena.jpg"))
    sara = app.test_client()
    plan = sara.get(sign_in(sara, person(demo, "Sara")["invite_path"])).get_data(as_text=True)
    path = photo_path(plan)
    with sara.get(path) as response:
        assert response.status_code == 200 and response.mimetype == "image/jpeg"
    stranger = app.test_client()
    sign_in(stranger, person(other_demo, "Sara")["invite_path"])
    assert stranger.get(path).status_code == 404
    other_path = path.replace(
        f"/familj/{demo['family_id']}/", f"/familj/{other_demo['family_id']}/"
    )
    assert stranger.get(other_path).status_code == 404  # the photo is not theirs either


def test_staff_of_another_team_cannot_see_the_photo(app, worker, demo):
    add_person(worker, demo["family_id"], photo=(io.BytesIO(phone_photo_with_gps()), "lena.jpg"))
    path = photo_path(worker.get(f"/personal/familj/{demo['family_id']}").get_data(as_text=True))
    with worker.get(path) as response:
        assert response.status_code == 200
    other = app.test_client()
    sign_in_worker(other, demo["workers"][1])
    assert other.get(path).status_code == 404


def test_a_file_that_is_not_a_photo_is_refused_and_the_form_kept(worker, demo, db):
    response = add_person(
        worker, demo["family_id"], photo=(io.BytesIO(b"<svg onload=alert(1)>"), "x.jpg")
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'value="Moster Lena"' in page and 'role="alert"' in page
    assert db.execute("SELECT COUNT(*) FROM photos").fetchone()[0] == 0
    assert db.execute("SELECT COUNT(*) FROM people WHERE name = 'Moster Lena'").fetchone()[0] == 0


def test_a_picture_that_is_not_in_the_library_is_refused(worker, demo):
    assert add_person(worker, demo["family_id"], picture="no-such-picture").status_code == 400
    assert add_person(worker, demo["family_id"], picture="old-woman").status_code == 303
