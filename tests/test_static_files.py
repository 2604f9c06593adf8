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


def test_a_pages_pictures_come_in_one_sheet_cached_for_ever(parent):
    """The library pictures of a page are one request (picture_sheets.py): each <img> shows its
    own <view> of the page's sheet, and the sheet may be kept for ever and shared by everyone."""
    page = parent.get(parent.plan_url).get_data(as_text=True)
    shown = re.findall(
        r'<img class="picture[^"]*" src="(/bilder/[0-9a-f]{12}/[^"#]+)#([a-z0-9-]+)"', page
    )
    assert len(shown) >= 10
    assert len({address for address, _ in shown}) == 1, "one sheet for the whole page"
    sheet = parent.get(shown[0][0])
    assert sheet.status_code == 200 and sheet.mimetype == "image/svg+xml"
    assert sheet.headers["Cache-Control"] == "public, max-age=315360000, immutable"
    assert "Set-Cookie" not in sheet.headers and "Cookie" not in sheet.headers.get("Vary", "")
    svg = sheet.get_data(as_text=True)
    for _, name in shown:
        assert f'<view id="{name}" ' in svg
    # Only the one address per set: another order, an unknown picture or a path is not served.
    names = shown[0][0].rsplit("/", 1)[1].removesuffix(".svg").split("+")
    for wrong in ("+".join(reversed(names)), names[0] + "+no-such-picture", "..%2Fsecret_key"):
        assert parent.get(shown[0][0].rsplit("/", 1)[0] + f"/{wrong}.svg").status_code == 404


def test_a_pages_pictures_keep_their_own_ids_on_the_sheet(app):
    """Two pictures that use the same inner id (a gradient, a clip) must not take each other's."""
    from familjeapp.picture_sheets import sheet

    svg = sheet(("airplane-arrival", "confetti-ball"))
    assert 'id="airplane-arrival--SVGkRCCwb7V"' in svg and 'id="confetti-ball--SVGkRCCwb7V"' in svg
    assert 'id="SVGkRCCwb7V"' not in svg and "url(#SVGkRCCwb7V)" not in svg


def test_pages_stay_out_of_every_cache_and_are_compressed_only_for_our_own_pages(parent):
    """BREACH: a page holds a CSRF token beside what people wrote, so it is compressed only when
    the browser says the request came from our own pages or from the person (compression.py)."""
    for site, compressed in [
        ("same-origin", True),
        ("none", True),
        ("cross-site", False),
        ("same-site", False),
        (None, False),
    ]:
        headers = {"Accept-Encoding": "gzip"} | ({"Sec-Fetch-Site": site} if site else {})
        response = parent.get(parent.plan_url, headers=headers)
        assert response.headers["Cache-Control"] == "no-store"
        assert ("Content-Encoding" in response.headers) is compressed, site
        assert "Sec-Fetch-Site" in response.headers["Vary"]
        if compressed:
            assert "Vår plan" in gzip.decompress(response.data).decode()


def test_a_font_named_in_the_stylesheet_is_cached_for_ever_too(tmp_path, client):
    source, target = tmp_path / "static", tmp_path / "built"
    (source / "css").mkdir(parents=True)
    (source / "fonts").mkdir()
    (source / "fonts" / "a.woff2").write_bytes(b"wOF2 one")
    (source / "css" / "app.css").write_text(
        '@font-face { src: url("../fonts/a.woff2"); }\n'
        "a { background: url(data:image/png;base64,AAAA); }\n"
        "b { background: url(../fonts/missing.woff2); }\n"
    )
    names = build(source, target)
    css = (target / names["css/app.css"]).read_text()
    assert f'url("../{names["fonts/a.woff2"]}")' in css
    assert "url(data:image/png;base64,AAAA)" in css and "url(../fonts/missing.woff2)" in css
    # A new font gives the stylesheet a new name too, so no browser keeps the old pair.
    (source / "fonts" / "a.woff2").write_bytes(b"wOF2 two")
    assert build(source, target)["css/app.css"] != names["css/app.css"]

    # The app's own stylesheet points at the fonts' hashed names, which are immutable.
    served = client.get(static_url(client, "/", "css/app.css"), headers={"Accept-Encoding": ""})
    font = re.search(r'url\("\.\./(fonts/noto-naskh-arabic-regular\.[0-9a-f]{12}\.woff2)"\)',
                     served.get_data(as_text=True))  # fmt: skip
    assert font, "app.css does not name the Arabic font under a hashed name"
    response = client.get("/static/" + font.group(1))
    assert response.status_code == 200 and response.get_data()[:4] == b"wOF2"
    assert "immutable" in response.headers["Cache-Control"]
    served.close()
    response.close()
