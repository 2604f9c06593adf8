"""A complete demo family, so a person can try the app and the tests have something real to read.

Each call adds a new, independent family with its own two teams and workers. Dates are counted from
today, so the demo always has a network meeting coming up.
"""

import secrets
from datetime import date, timedelta

import pyotp
from sqlite_utils import Database

from .db import transaction
from .store import families, invites, plans


def add_demo_family(db: Database, *, today: date | None = None) -> dict:
    """Create the demo family and return what a person needs to try it (see the README)."""
    today = today or date.today()
    suffix = secrets.token_hex(3)
    with transaction(db):
        team = families.create_team(db, "Barn och familj Norr")
        other_team = families.create_team(db, "Barn och familj Söder")
        workers = [
            {
                "email": f"anna.berg.{suffix}@demo.familjeapp.se",
                "name": "Anna Berg",
                "phone": "08-123 45 67",
                "team": "Barn och familj Norr",
                "team_id": team,
                "sees_family": True,
            },
            {
                "email": f"erik.holm.{suffix}@demo.familjeapp.se",
                "name": "Erik Holm",
                "phone": "08-765 43 21",
                "team": "Barn och familj Söder",
                "team_id": other_team,
                "sees_family": False,
            },
        ]
        for worker in workers:
            worker["password"] = secrets.token_urlsafe(12)
            worker["totp_secret"] = pyotp.random_base32()
            worker["id"] = families.create_worker(
                db,
                team_id=worker["team_id"],
                email=worker["email"],
                name=worker["name"],
                phone=worker["phone"],
                password=worker["password"],
                totp_secret=worker["totp_secret"],
            )
        anna = workers[0]["id"]
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
            {
                "email": w["email"],
                "password": w["password"],
                "totp_secret": w["totp_secret"],
                "login_path": "/personal/logga-in",
                "team": w["team"],
                "sees_family": w["sees_family"],
            }
            for w in workers
        ],
        "items": items,
    }


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
        written.append({"id": key, "kind": kind, "text": text, "visibility": visibility})
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
        picture="beer-mug",
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
