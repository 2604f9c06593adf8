"""Static files are small and cached for ever (issue 9): compressed, under content-hashed names;
pages with personal data stay out of every cache."""

import gzip
import re

from familjeapp.static_files import build


def static_url(client, page_path: str, name: str) -> str:
    """The URL a page links for one of our static files, e.g. css/app.css."""
    stem, suffix = name.rsplit(".", 1)
    page = client.get(page_path).get_data(as_text=True)
    match = re.search(rf'"(/static/{re.escape(stem)}\.[0-9a-f]{{12}}\.{suffix})"', page)
    assert match, f"the page does not link {name} under a hashed name"
    return match.group(1)


def test_a_static_file_comes_compressed_and_cached_for_ever(client):
    url = static_url(client, "/", "css/app.css")
    response = client.get(url, headers={"Accept-Encoding": "gzip, deflate"})
    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response.headers["Vary"]
    assert "immutable" in response.headers["Cache-Control"]
    assert "max-age=315360000" in response.headers["Cache-Control"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    body = gzip.decompress(response.get_data())
    assert b"body" in body and len(response.get_data()) < len(body) / 2
    response.close()


def test_a_browser_that_takes_no_compression_gets_the_plain_file(client):
    url = static_url(client, "/", "css/app.css")
    response = client.get(url, headers={"Accept-Encoding": "identity"})
    assert response.status_code == 200
    assert "Content-Encoding" not in response.headers
    assert b"body" in response.get_data()
    response.close()


def test_the_url_changes_when_the_content_changes(tmp_path):
    source, target = tmp_path / "static", tmp_path / "built"
    (source / "css").mkdir(parents=True)
    css = source / "css" / "app.css"
    css.write_text("body { color: black; }\n" * 40)
    first = build(source, target)["css/app.css"]
    css.write_text("body { color: navy; }\n" * 40)
    second = build(source, target)["css/app.css"]
    assert first != second
    assert re.fullmatch(r"css/app\.[0-9a-f]{12}\.css", second)
    assert (target / second).read_text().startswith("body { color: navy; }")
    assert (target / (second + ".gz")).exists()
    assert (target / first).exists()  # a page still open from before keeps its CSS


def test_pictures_are_linked_under_hashed_names_too(parent):
    page = parent.get(parent.plan_url).get_data(as_text=True)
    assert re.search(r'src="/static/pictures/[a-z0-9-]+\.[0-9a-f]{12}\.svg"', page)


def test_pages_stay_out_of_every_cache_and_are_not_compressed(parent):
    response = parent.get(parent.plan_url, headers={"Accept-Encoding": "gzip"})
    assert response.headers["Cache-Control"] == "no-store"
    assert "Content-Encoding" not in response.headers
