"""A complete demo family, so a person can try the app and the tests have something real to read.

Each call adds a new, independent family. The demo's teams and staff accounts are made on the first
call and used again on every later one, so the administrator's lists stay readable and the sign-in
details printed before keep working. Dates are counted from today, so the demo always has a network
meeting coming up.
"""

import base64
import hashlib
import hmac
from datetime import date, timedelta

import pyotp
from sqlite_utils import Database

from . import clock
from .db import transaction
from .store import accounts, families, invites, plans

NORTH, SOUTH = "Barn och familj Norr", "Barn och familj Söder"
# The demo's staff: Anna works with the demo families, Erik is in another team and sees none of
# them, Lena administers. The @demo.familjeapp.se addresses mark them as the demo's (totp-code).
STAFF = {
    "anna": ("anna.berg@demo.familjeapp.se", "Anna Berg", "08-123 45 67", NORTH, False),
    "erik": ("erik.holm@demo.familjeapp.se", "Erik Holm", "08-765 43 21", SOUTH, False),
    "admin": ("lena.lund@demo.familjeapp.se", "Lena Lund", "08-111 22 33", NORTH, True),
}
LOGIN_PATH = "/personal/logga-in"


def demo_password(totp_secret: str) -> str:
    """A demo account's password, made from the account's own authenticator key.

    This lets every run print the same password again without keeping it anywhere. It gives
    away nothing the key does not: the key is in the database for `totp-code` to read, and demo
    accounts are for trying the app, never for a real family.
    """
    digest = hmac.new(totp_secret.encode(), b"familjeapp demo password", hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:12]).decode()


def _staff_account(db: Database, key: str, teams: dict[str, int]) -> dict:
    """One of the demo's accounts: found and made ready to sign in, or made on the first run."""
    email, name, phone, team, is_admin = STAFF[key]
    found = accounts.find_worker(db, email)
    if found is not None:
        secret = found["totp_secret"]
        if secret is None or found["disabled_at"] is not None:
            # Its authenticator was reset, or it was disabled: ready it again with a new key.
            secret = found["totp_secret"] or pyotp.random_base32()
            accounts.make_ready(db, found["id"], password=demo_password(secret), totp_secret=secret)
        worker_id, team_id = found["id"], found["team_id"]
    else:
        if team not in teams:
            teams[team] = families.create_team(db, team)
        secret = pyotp.random_base32()
        worker_id, team_id = families.create_worker(
            db, team_id=teams[team], email=email, name=name, phone=phone,
            password=demo_password(secret), totp_secret=secret, is_admin=is_admin,
        ), teams[team]  # fmt: skip
    teams.setdefault(team, team_id)
    return {
        "id": worker_id,
        "email": email,
        "password": demo_password(secret),
        "totp_secret": secret,
        "login_path": LOGIN_PATH,
        "team": team,
        "team_id": team_id,
    }


def add_demo_family(db: Database, *, today: date | None = None, with_admin: bool = False) -> dict:
    """Create the demo family and return what a person needs to try it (see the README).

    ``with_admin`` adds the demo's administrator to what is returned (and makes the account on
    the first call); the tests' fixtures leave it out, which spares them a password hash.
    """
    today = today or clock.today()
    with transaction(db):
        teams: dict[str, int] = {}
        # Anna first: the demo's own team is the one she is in.
        anna_account = _staff_account(db, "anna", teams)
        staff = [anna_account, _staff_account(db, "erik", teams)]
        if with_admin:
            admin = _staff_account(db, "admin", teams)
        team = anna_account["team_id"]
        anna = anna_account["id"]
        family = families.create_family(db, team_id=team, name="Familjen Lind", worker_id=anna)
        people = {
            "sara": ("parent", "Sara", "mamma", "woman"),
            "johan": ("parent", "Johan", "pappa", "man"),
            "elsa": ("child", "Elsa", "9 år", "girl"),
            "britt": ("network", "Farmor Britt", "farmor", "old-woman"),
            "karim": ("network", "Morbror Karim", "morbror", "man-beard"),
        }
        ids = {
            key: families.add_person(
                db, family_id=family, role=role, name=name, relation=relation, picture=picture
            )
            for key, (role, name, relation, picture) in people.items()
        }
        items = _write_plan(db, family, anna, ids, today)
        links = {
            key: "/i/" + invites.create_invite(db, person_id, days=30, created_by=anna)
            for key, person_id in ids.items()
        }
    return {
        "family_id": family,
        "people": [
            {"id": ids[key], "name": name, "role": role, "invite_path": links[key]}
            for key, (role, name, _relation, _picture) in people.items()
        ],
        "workers": [
            {**_shown(account), "sees_family": account["team_id"] == team} for account in staff
        ],
        **({"admin": _shown(admin)} if with_admin else {}),
        "items": items,
    }


def _shown(account: dict) -> dict:
    """What a person needs to sign in with a demo account."""
    keys = ("email", "password", "totp_secret", "login_path", "team")
    return {key: account[key] for key in keys}


def _write_plan(db: Database, family: int, worker: int, ids: dict, today: date) -> list[dict]:
    version = plans.create_version(
        db,
        family,
        created_by=worker,
        scale_question="Hur trygg är Elsa hemma just nu?",
        scale_low="Elsa kan inte bo hemma nu.",
        scale_high="Alla vet att Elsa är trygg hemma. Socialtjänsten kan sluta komma.",
    )
    written = []

    def item(section, kind, text, visibility, **more):
        key = plans.add_item(
            db, version, section=section, kind=kind, text=text, visibility=visibility, **more
        )
        written.append(
            {
                "id": key,
                "kind": kind,
                "text": text,
                "visibility": visibility,
                "child_text": more.get("child_text", ""),
            }
        )
        return key

    item(
        "working",
        "strength",
        "Elsa går till skolan varje dag. Hon har kompisar där.",
        "everyone",
        child_text="Du går till skolan och har kompisar.",
        picture="school",
    )
    item(
        "working",
        "strength",
        "Sara och Johan älskar Elsa. De vill att hon ska må bra.",
        "everyone",
        child_text="Mamma och pappa älskar dig.",
        picture="red-heart",
    )
    item(
        "working",
        "strength",
        "Farmor Britt och morbror Karim bor nära och vill hjälpa till.",
        "everyone",
        child_text="Farmor Britt och morbror Karim vill hjälpa dig.",
        picture="people-hugging",
    )
    item(
        "worries",
        "harm",
        "Johan har druckit alkohol hemma. Då har han skrikit och slagit i dörrar. "
        "Elsa blev rädd och gömde sig i sitt rum.",
        "adults",
        picture="door",
    )
    item(
        "worries",
        "danger",
        "Vi är oroliga att Elsa blir rädd och ledsen igen om Johan dricker och blir arg. "
        "Hon kan bli skadad om hon är ensam med honom då.",
        "everyone",
        child_text="De vuxna vill att du aldrig ska behöva vara rädd hemma.",
        picture="warning",
    )
    item(
        "worries",
        "complicating",
        "Sara och Johan bråkar ofta om pengar. Då är det svårt att prata lugnt med varandra.",
        "parents",
        picture="money-bag",
    )
    item(
        "needs",
        "goal",
        "Elsa ska känna sig trygg hemma, också på kvällar och helger.",
        "everyone",
        child_text="Du ska känna dig trygg hemma.",
        picture="house-with-garden",
    )
    item(
        "needs",
        "goal",
        "Det finns alltid en vuxen som är nykter när Elsa är hemma.",
        "adults",
        picture="shield",
    )
    item(
        "needs",
        "next_step",
        "Johan går på samtal om alkohol varje tisdag.",
        "adults",
        picture="speech-balloon",
    )
    item(
        "needs",
        "next_step",
        "Anna pratar med skolans kurator före nästa nätverksmöte.",
        "worker",
        picture="telephone-receiver",
    )
    no_alcohol = item(
        "rules",
        "rule",
        "Johan dricker inte alkohol när Elsa är hemma.",
        "adults",
        picture="prohibited",
        responsible="Johan",
        when_text="Alltid",
        how_we_know="Sara och farmor Britt ser det. Johan berättar när han svarar på Hur går det?",
    )
    leave = item(
        "rules",
        "rule",
        "Om det blir bråk hemma går Sara och Elsa till farmor Britt.",
        "everyone",
        child_text="Om de vuxna bråkar får du och mamma sova hos farmor.",
        picture="house",
        responsible="Sara",
        when_text="När någon blir arg och höjer rösten",
        how_we_know="Farmor Britt berättar för Anna.",
    )
    pick_up = item(
        "rules",
        "rule",
        "En nykter vuxen hämtar Elsa från skolan varje dag.",
        "everyone",
        child_text="En vuxen du litar på hämtar dig efter skolan.",
        picture="school",
        responsible="Sara och morbror Karim",
        when_text="Varje dag klockan 15",
        how_we_know="Skolan ser vem som hämtar.",
    )
    item(
        "rules",
        "warning_sign",
        "Om du ser att Johan har druckit, eller hör att någon skriker hemma: "
        "ta med Elsa därifrån och ring Anna. Är det akut, ring 112.",
        "adults",
        picture="police-car-light",
    )
    _write_child_items(item)
    week = timedelta(days=7)
    plans.add_commitment(
        db,
        version,
        rule_key=no_alcohol,
        person_id=ids["britt"],
        text="Jag ringer Johan varje kväll klockan 19 och frågar hur det går.",
        starts_on=today - week,
        ends_on=today + 4 * week,
    )
    plans.add_commitment(
        db,
        version,
        rule_key=leave,
        person_id=ids["britt"],
        text="Jag har alltid en säng redo för Sara och Elsa.",
        starts_on=today - week,
        ends_on=today + 8 * week,
    )
    plans.add_commitment(
        db,
        version,
        rule_key=pick_up,
        person_id=ids["karim"],
        text="Jag hämtar Elsa på skolan på måndagar och onsdagar.",
        starts_on=today,
        ends_on=today + 6 * week,
    )
    for kind, offset, title in (
        ("start", -30, "Vi började arbeta med planen"),
        ("network_meeting", -14, "Första nätverksmötet"),
        ("network_meeting", 10, "Nätverksmöte hos socialtjänsten"),
        ("follow_up", 40, "Uppföljning"),
        ("planned_end", 120, "Planen ska vara klar"),
    ):
        plans.add_event(
            db, version, kind=kind, happens_on=today + timedelta(days=offset), title=title
        )
    plans.publish(db, version)
    return written


# What Anna wrote with Elsa: the three houses, the safety house and the story, in child words.
CHILD_ITEMS = (
    ("house_worries", "Elsa blir rädd när pappa skriker och slår i dörrar.",
     "Jag blir rädd när pappa skriker.", "cloud-with-lightning"),
    ("house_worries", "Elsa oroar sig för mamma när föräldrarna bråkar.",
     "Jag är orolig för mamma när de bråkar.", "worried-face"),
    ("house_good", "Elsa tycker om att baka med farmor Britt.",
     "Jag bakar bullar med farmor.", "cookie"),
    ("house_good", "Elsa spelar fotboll med morbror Karim.",
     "Jag spelar fotboll med Karim.", "soccer-ball"),
    ("house_good", "Elsa har en bästa kompis, Maja.",
     "Maja är min bästa kompis.", "people-hugging"),
    ("house_dreams", "Elsa önskar att det alltid är lugnt hemma.",
     "Jag önskar att det alltid är lugnt hemma.", "rainbow"),
    ("house_dreams", "Elsa vill att familjen åker till havet i sommar.",
     "Jag vill åka till havet med hela familjen.", "beach-with-umbrella"),
    ("safety_person", "Farmor Britt: Elsa kan ringa henne när som helst.",
     "Farmor Britt. Du kan ringa henne när som helst.", "old-woman"),
    ("safety_person", "Morbror Karim hämtar Elsa på skolan.",
     "Morbror Karim. Han hämtar dig på skolan.", "man-beard"),
    ("safety_rule", "Ingen vuxen dricker alkohol när Elsa är hemma.",
     "De vuxna dricker inte alkohol när du är hemma.", "prohibited"),
    ("safety_rule", "Om någon blir arg går Elsa till farmor Britt.",
     "Om någon blir arg får du gå till farmor.", "house"),
    ("story_page", "Anna från socialtjänsten kommer för att hon vill att Elsa ska ha det bra.",
     "Anna kommer till er. Hennes jobb är att hjälpa barn att ha det bra hemma.", "woman"),
    ("story_page", "Föräldrarna arbetar med att det ska vara lugnt hemma.",
     "Pappa har druckit alkohol och skrikit. Nu lär han sig att låta bli. "
     "Mamma och pappa vill att du ska vara trygg.", "red-heart"),
    ("story_page", "Farmor Britt och morbror Karim hjälper familjen.",
     "Farmor Britt och morbror Karim hjälper till. Du kan alltid gå till farmor.",
     "people-hugging"),
    ("story_page", "Nästa nätverksmöte följer upp planen.",
     "Snart träffas alla vuxna igen. De pratar om hur det går. "
     "Du får säga vad du tycker.", "calendar"),
)  # fmt: skip


def _write_child_items(item) -> None:
    """The child's part of the demo plan, for everyone, with child words and a picture each."""
    for kind, text, child_text, picture in CHILD_ITEMS:
        item("child", kind, text, "everyone", child_text=child_text, picture=picture)
