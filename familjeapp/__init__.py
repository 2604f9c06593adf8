"""familjeapp: the family's own safety plan, in plain Swedish with pictures."""

import secrets
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

from flask import Flask, current_app, g, has_request_context, request
from flask.sessions import SecureCookieSessionInterface
from flask_babel import Babel
from flask_htmx import HTMX
from flask_wtf.csrf import CSRFProtect

from . import clock, compression, config, db
from .security_headers import OnceTalisman
from .urls import IdConverter

csrf = CSRFProtect()
babel = Babel()
htmx = HTMX()
talisman = OnceTalisman()  # Flask-Talisman, its headers made once

PACKAGE = Path(__file__).parent


class SessionCookie(SecureCookieSessionInterface):
    """The signed cookie that carries the session token and the CSRF secret.

    Over HTTPS it is Secure and takes the ``__Host-`` prefix (no Domain, path /), so a sibling
    site cannot set or read it; over plain http on a developer's machine it cannot be Secure.
    """

    def get_cookie_name(self, app: Flask) -> str:
        return "__Host-familjeapp" if request and request.is_secure else "familjeapp"

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(request and request.is_secure)

    def get_signing_serializer(self, app: Flask):
        """Flask's serializer, made once for the app's keys rather than for every request."""
        keys = (app.secret_key, tuple(app.config.get("SECRET_KEY_FALLBACKS") or ()))
        kept = app.extensions.get("session_serializer")
        if kept is None or kept[0] != keys:
            kept = app.extensions["session_serializer"] = (
                keys,
                super().get_signing_serializer(app),
            )
        return kept[1]

    def save_session(self, app: Flask, session, response) -> None:
        from .access import SAME_FOR_EVERYONE

        if request.endpoint in SAME_FOR_EVERYONE:
            return  # the same answer for everyone: no cookie, no "Vary: Cookie", one cached copy
        if g.get("skip_session_cookie") and not session.modified:
            return  # a 304 (family/plan_etag.py): the browser's cookie stays as it is
        super().save_session(app, session, response)


def translation_directories() -> str:
    """Top-level translations/ in a checkout; the copy inside the package once installed."""
    beside = PACKAGE.parent / "translations"
    return str(beside if beside.is_dir() else PACKAGE / "translations")


def secret_key(instance_path: Path) -> str:
    """The key that signs cookies: from the environment, or made once and kept in the instance."""
    path = instance_path / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def on_staff_side() -> bool:
    """A worker's or an administrator's page, or any other address under theirs (a 404 there)."""
    if request.blueprint in ("worker", "admin"):
        return True
    prefix = current_app.blueprints["worker"].url_prefix
    return request.path == prefix or request.path.startswith(prefix + "/")


def select_locale() -> str:
    """The person's chosen language, else the one chosen on this browser, else Swedish (also on
    the command line, which answers in the app's default language).

    The staff side is only in Swedish and English: a worker whose browser chose Arabic on a
    family's page sees their own pages in Swedish."""
    if not has_request_context():
        return "sv"
    if on_staff_side():
        chosen = request.cookies.get("lang")
        return chosen if chosen in config.STAFF_LANGUAGES else "sv"
    person = g.get("person")
    if person is not None and person.language in config.LANGUAGES:
        return person.language
    chosen = request.cookies.get("lang")
    return chosen if chosen in config.LANGUAGES else "sv"


def content_security_policy(quick_exit_url: str, oidc_issuer: str = "") -> dict:
    exit_origin = "{0.scheme}://{0.netloc}".format(urlsplit(quick_exit_url))
    # Signing in and out through the municipality's provider posts, then is redirected there.
    provider = " {0.scheme}://{0.netloc}".format(urlsplit(oidc_issuer)) if oidc_issuer else ""
    return {
        "default-src": "'self'",
        "script-src": "'self'",
        "style-src": "'self'",
        "img-src": "'self' data:",
        "object-src": "'none'",
        "base-uri": "'none'",
        "frame-ancestors": "'none'",
        # The quick exit without JavaScript posts, then is redirected to the neutral site.
        "form-action": f"'self' {exit_origin}{provider}",
    }


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app: settings, extensions, security headers, blueprints and commands."""
    app = Flask(__name__, instance_relative_config=True)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    settings = config.from_environment()
    if test_config:
        settings.update(test_config)
    app.config.update(
        DATABASE=settings["DB"] or str(Path(app.instance_path) / "familjeapp.sqlite3"),
        SECRET_KEY=settings.get("SECRET_KEY") or secret_key(Path(app.instance_path)),
        SESSION_MAX_AGE=timedelta(days=settings["SESSION_MAX_DAYS"]),
        PERMANENT_SESSION_LIFETIME=timedelta(days=settings["SESSION_MAX_DAYS"]),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        # The cookie is sent again only when the session changed, not signed anew for every page:
        # its 90 days then run from the sign-in, as the server-side session's do.
        SESSION_REFRESH_EACH_REQUEST=False,
        # The token lives as long as the server-side session; an expired token must never
        # lose what a parent typed.
        WTF_CSRF_TIME_LIMIT=None,
        # Flask-WTF's HTTPS check wants a Referer, which Referrer-Policy: no-referrer (kept so
        # that invite tokens never leak) stops the browser from sending: every POST over HTTPS
        # would fail. security.refuse_cross_site_posts checks where a POST came from instead.
        WTF_CSRF_SSL_STRICT=False,
        BABEL_DEFAULT_LOCALE="sv",
        BABEL_DEFAULT_TIMEZONE=clock.SWEDEN.key,
        # Two gettext domains in the same folder, paired in order: "staff" (the worker and admin
        # side, sv and en) and "messages" (what families see, every language). Messages comes
        # last: its catalog's plural rule is the one kept for the language.
        BABEL_DOMAIN="staff;messages",
        BABEL_TRANSLATION_DIRECTORIES=f"{translation_directories()};{translation_directories()}",
        # Photos from phones can be large; clean_photo caps them at 10 MB, forms at 500 kB.
        MAX_CONTENT_LENGTH=12 * 1024 * 1024,
    )
    app.config.update({k: v for k, v in settings.items() if k not in ("DB", "SECRET_KEY")})
    app.session_interface = SessionCookie()

    # <id:...> in every route: only ids a row can have (urls.py).
    app.url_map.converters["id"] = IdConverter
    db.init_app(app)
    # First among the after-request hooks, so it runs last, on the finished page.
    compression.init_app(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    htmx.init_app(app)
    talisman.init_app(
        app,
        force_https=False,
        session_cookie_secure=False,
        content_security_policy=content_security_policy(
            app.config["QUICK_EXIT_URL"], app.config["OIDC_ISSUER"]
        ),
        referrer_policy="no-referrer",
        frame_options="DENY",
        permissions_policy={"geolocation": "()", "camera": "()", "microphone": "()"},
    )

    from . import (
        about,
        access,
        cli,
        errors,
        install,
        page_cache,
        page_speed,
        picture_sheets,
        security,
        static_files,
        templating,
    )
    from .admin.views import bp as admin_bp
    from .auth.views import bp as auth_bp
    from .calendar import bp as calendar_bp
    from .child.views import bp as child_bp
    from .data_copy import bp as data_copy_bp
    from .family.views import bp as family_bp
    from .pwa import bp as pwa_bp
    from .worker import bp as worker_bp

    app.before_request(security.refuse_cross_site_posts)
    app.before_request(access.load_signed_in)
    app.after_request(no_store)
    app.after_request(access.forget_ended_device)
    app.register_blueprint(auth_bp)
    app.register_blueprint(family_bp)
    app.register_blueprint(calendar_bp)
    app.register_blueprint(child_bp)
    app.register_blueprint(data_copy_bp)
    app.register_blueprint(worker_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(pwa_bp)
    app.register_blueprint(install.bp)
    app.register_blueprint(about.bp)
    errors.init_app(app)
    templating.init_app(app)
    page_speed.init_app(app)
    page_cache.init_app(app)
    picture_sheets.init_app(app)
    cli.init_app(app)
    static_files.init_app(app)
    return app


def no_store(response):
    """Personal pages must not stay in any cache; only our static files may be cached."""
    if request.endpoint == "pwa.service_worker":
        # Asked for again at every check, so that a new version of the app is seen at once.
        response.headers["Cache-Control"] = "no-cache"
    elif request.endpoint not in ("static", "picture_sheets.picture_sheet"):
        response.headers["Cache-Control"] = "no-store"
        response.vary.add("HX-Request")
    return response
