"""Default settings. Each can be overridden by a FAMILJEAPP_* environment variable."""

import os
from datetime import timedelta

DEFAULTS = {
    # The SQLite file. Empty means "familjeapp.sqlite3" in the instance folder.
    "DB": "",
    # Where "Lämna snabbt" takes the person: a neutral site that says nothing about the app.
    "QUICK_EXIT_URL": "https://www.smhi.se/",
    # A name for this release. The service worker's version is made from it and the static
    # files' hashes, so a new release makes every phone fetch the app's files anew, even when no
    # file changed (say, after a fix that only reached the server).
    "RELEASE": "",
    # How long an invite link stays valid, in days, unless the worker chooses otherwise.
    "INVITE_DAYS": 7,
    # After this long without use, the person must type their code again.
    "CODE_IDLE_MINUTES": 15,
    # A device session ends for good after this many days; a new invite starts a new one.
    "SESSION_MAX_DAYS": 90,
    # Staff: signed out after this long without use, and after this long in any case.
    "STAFF_IDLE_MINUTES": 30,
    "STAFF_SESSION_HOURS": 10,
    # How many reverse proxies in front set X-Forwarded-For/-Proto (0: none). Behind a proxy
    # that ends TLS, this is what makes cookies Secure and turns HSTS on. `serve` takes the
    # headers only from TRUSTED_PROXY, the address the proxy connects from, and drops them from
    # anyone else.
    "PROXIES": 0,
    "TRUSTED_PROXY": "127.0.0.1",
    # Days a closed case is kept before an administrator may delete it (gallring). The app is
    # not the municipality's record: the case file (personakt) lives in its case system and is
    # kept or deleted there under SoL 12 kap. This copy is only for working with the family, so
    # it should go soon after the case ends. A year leaves room for a follow-up, a complaint or
    # a review by IVO; each municipality sets its own period from its records plan
    # (dokumenthanteringsplan).
    "RETENTION_DAYS": 365,
    # The accessibility statement (/tillganglighet, DOS-lagen) names who provides the app and
    # where to report a problem with its accessibility. Set them to the municipality's own; an
    # empty e-mail address or phone number is left out (the social worker is always named).
    "ORGANISATION_NAME": "Socialtjänsten i din kommun",
    "ACCESSIBILITY_EMAIL": "",
    "ACCESSIBILITY_PHONE": "",
    # Staff sign-in through the municipality's OpenID provider (familjeapp/worker/municipal.py),
    # on when the issuer and the client id are set. The provider decides who may sign in (its
    # own second factor included); the app's account, found by the claim below, decides what
    # they may see. An empty ALLOWED_GROUPS lets every active account in.
    "OIDC_ISSUER": "",
    "OIDC_CLIENT_ID": "",
    "OIDC_CLIENT_SECRET": "",
    "OIDC_SCOPES": "openid email profile",
    "OIDC_ACCOUNT_CLAIM": "email",
    "OIDC_GROUPS_CLAIM": "groups",
    "OIDC_ALLOWED_GROUPS": "",
    # 1: staff sign in only through the provider; the password and authenticator app are off.
    "OIDC_ONLY": 0,
}

# The languages a family member or a child can read the app in, each named in itself; Swedish
# first, the default. Their words are the gettext domain "messages" (babel.cfg).
LANGUAGES = {
    "sv": "Svenska",
    "en": "English",
    "ar": "العربية",
    "so": "Soomaali",
    # Persian; Dari readers read it too.
    "fa": "فارسی",
    "ti": "ትግርኛ",
}
# The staff side (the worker and admin pages, the staff sign-in, the command line) is only in
# these: its words are the domain "staff" (babel-staff.cfg), translated to Swedish and English.
STAFF_LANGUAGES = {code: LANGUAGES[code] for code in ("sv", "en")}
RTL_LANGUAGES = {"ar", "fa", "prs"}


def from_environment() -> dict:
    """Read the FAMILJEAPP_* variables over the defaults, keeping each default's type."""
    settings = {}
    for name, default in DEFAULTS.items():
        raw = os.environ.get(f"FAMILJEAPP_{name}")
        if raw is None:
            settings[name] = default
        elif isinstance(default, int):
            settings[name] = int(raw)
        else:
            settings[name] = raw
    settings["SECRET_KEY"] = os.environ.get("FAMILJEAPP_SECRET_KEY")
    return settings


def idle_limit(config) -> timedelta:
    return timedelta(minutes=config["CODE_IDLE_MINUTES"])


def staff_idle_limit(config) -> timedelta:
    return timedelta(minutes=config["STAFF_IDLE_MINUTES"])
