"""The SQLite file: connection, pragmas, transactions and migrations.

One file per deployment, opened once per request. WAL lets readers and a writer work side by side;
synchronous=FULL makes an acknowledged write survive a power cut; every read-then-write runs inside
``transaction()``, which takes the write lock up front (BEGIN IMMEDIATE) so that concurrent writers
queue on the busy timeout instead of failing with "database is locked".
"""

import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

import click
from flask import Flask, current_app, g
from flask.cli import with_appcontext
from flask_babel import gettext as _
from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from . import connections
from .cli_answers import Refused

try:
    import fcntl
except ImportError:  # Windows, where `serve` runs one waitress process
    fcntl = None

BUSY_TIMEOUT_MS = 10_000

migrations = Migrations("familjeapp")


def connect(path: str | Path) -> Database:
    """Open the database file with the pragmas every connection needs."""
    conn = sqlite3.connect(
        str(path),
        timeout=BUSY_TIMEOUT_MS / 1000,
        isolation_level=None,
        factory=connections.TrackedConnection,
    )
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    # What is deleted (an ended session, a closed case) is overwritten, not left in free pages.
    conn.execute("PRAGMA secure_delete = ON")
    if str(path) not in ("", ":memory:") and isinstance(conn, connections.TrackedConnection):
        conn.writers_lock = f"{path}-writers"  # see _one_process_at_a_time
    return Database(conn)


def get_db() -> Database:
    """The request's database connection: this thread's, lent to it (connections.py)."""
    if "db" not in g:
        g.db = connections.lend(current_app.config["DATABASE"], connect)
    return g.db


def close_db(_exception: BaseException | None = None) -> None:
    db = g.pop("db", None)
    if db is not None:
        connections.give_back(db)


@contextmanager
def transaction(db: Database) -> Iterator[Database]:
    """Run a read-then-write as one transaction that holds the write lock from its start.

    Inside a transaction already open, it becomes a savepoint of that one.
    """
    if db.conn.in_transaction:
        with db.atomic():
            yield db
        return
    # The threads of one process wait for the write lock here, each woken the moment the one
    # before is done; SQLite's own busy wait sleeps up to 100 ms between looks, which made a
    # check-in wait far longer than the writes before it took (README, *Performance*).
    with _WRITER, _one_process_at_a_time(db):
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            db.rollback()
            raise
        else:
            db.execute("COMMIT")


_WRITER = threading.RLock()
_process_holds_writers_lock = False  # only read and set while holding _WRITER


@contextmanager
def _one_process_at_a_time(db: Database) -> Iterator[None]:
    """The server's worker processes also take turns, on a lock file next to the database.

    When another process held SQLite's write lock, BEGIN IMMEDIATE slept in SQLite's busy wait
    (1 to 100 ms between looks) while this process's other writers waited on _WRITER: check-ins
    with two workers grew ×1.4, not ×2, with a long tail (README, *Performance*). The kernel wakes
    the process waiting on the file the moment it is let go (and when its holder dies). A writer
    that does not come this way (a command, a migration) still meets SQLite's own lock.
    """
    global _process_holds_writers_lock
    path = getattr(db.conn, "writers_lock", None)
    if path is None or fcntl is None or _process_holds_writers_lock:
        yield
        return
    # Opened and closed each time (closing lets go): no descriptor is kept across a fork.
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        _process_holds_writers_lock = True
        try:
            yield
        finally:
            _process_holds_writers_lock = False
    finally:
        os.close(fd)


def migrate(db: Database) -> list[str]:
    """Apply the migrations not yet recorded in the database; return their names."""
    pending = [m.name for m in migrations.pending(db)]
    migrations.apply(db)
    return pending


@migrations()
def m001_initial(db: Database) -> None:
    """The whole model of PRODUCT.md, so later screens add views, not tables."""
    db.executescript(
        """
        CREATE TABLE teams (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL
        );
        CREATE TABLE workers (
            id INTEGER PRIMARY KEY,
            team_id INTEGER NOT NULL REFERENCES teams(id),
            email TEXT NOT NULL UNIQUE,
            name TEXT NOT NULL,
            phone TEXT NOT NULL DEFAULT '',
            password_hash TEXT NOT NULL,
            totp_secret TEXT,
            is_admin INTEGER NOT NULL DEFAULT 0,
            failed_logins INTEGER NOT NULL DEFAULT 0,
            retry_after TEXT,
            disabled_at TEXT,
            created_at TEXT NOT NULL
        );
        CREATE TABLE families (
            id INTEGER PRIMARY KEY,
            team_id INTEGER NOT NULL REFERENCES teams(id),
            worker_id INTEGER REFERENCES workers(id),
            name TEXT NOT NULL,
            created_at TEXT NOT NULL,
            closed_at TEXT
        );
        CREATE TABLE photos (
            id INTEGER PRIMARY KEY,
            family_id INTEGER NOT NULL REFERENCES families(id) ON DELETE CASCADE,
            mime TEXT NOT NULL,
            width INTEGER NOT NULL,
            height INTEGER NOT NULL,
            data BLOB NOT NULL,
            created_at TEXT NOT NULL
        );
        CREATE TABLE people (
            id INTEGER PRIMARY KEY,
            family_id INTEGER NOT NULL REFERENCES families(id) ON DELETE CASCADE,
            role TEXT NOT NULL CHECK (role IN ('parent', 'network', 'child')),
            name TEXT NOT NULL,
            relation TEXT NOT NULL DEFAULT '',
            picture TEXT,
            photo_id INTEGER REFERENCES photos(id),
            language TEXT,
            code_hash TEXT,
            code_failures INTEGER NOT NULL DEFAULT 0,
            code_retry_after TEXT,
            created_at TEXT NOT NULL,
            removed_at TEXT
        );
        CREATE INDEX people_family ON people(family_id);
        CREATE TABLE invites (
            id INTEGER PRIMARY KEY,
            person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
            token_hash TEXT NOT NULL UNIQUE,
            created_by INTEGER REFERENCES workers(id),
            created_at TEXT NOT NULL,
            expires_at TEXT NOT NULL,
            used_at TEXT
        );
        -- A signed-in device (person) or browser (worker). The cookie holds a random token;
        -- only its SHA-256 is stored, so a copy of the database opens no session.
        CREATE TABLE sessions (
            id INTEGER PRIMARY KEY,
            token_hash TEXT NOT NULL UNIQUE,
            person_id INTEGER REFERENCES people(id) ON DELETE CASCADE,
            worker_id INTEGER REFERENCES workers(id) ON DELETE CASCADE,
            created_at TEXT NOT NULL,
            last_seen_at TEXT NOT NULL,
            unlocked_at TEXT,
            ended_at TEXT,
            ended_reason TEXT,
            CHECK ((person_id IS NULL) != (worker_id IS NULL))
        );
        CREATE INDEX sessions_person ON sessions(person_id);

        -- A plan has versions; the family sees the latest published one. Items keep a stable
        -- item_key across versions, so views, commitments and "what changed" follow an item.
        CREATE TABLE plan_versions (
            id INTEGER PRIMARY KEY,
            family_id INTEGER NOT NULL REFERENCES families(id) ON DELETE CASCADE,
            number INTEGER NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('draft', 'published')),
            scale_question TEXT NOT NULL DEFAULT '',
            scale_low TEXT NOT NULL DEFAULT '',
            scale_high TEXT NOT NULL DEFAULT '',
            created_by INTEGER REFERENCES workers(id),
            created_at TEXT NOT NULL,
            published_at TEXT,
            UNIQUE (family_id, number)
        );
        CREATE TABLE plan_items (
            id INTEGER PRIMARY KEY,
            version_id INTEGER NOT NULL REFERENCES plan_versions(id) ON DELETE CASCADE,
            item_key TEXT NOT NULL,
            section TEXT NOT NULL
                CHECK (section IN ('working', 'worries', 'needs', 'rules', 'child')),
            kind TEXT NOT NULL,
            position INTEGER NOT NULL DEFAULT 0,
            text TEXT NOT NULL,
            child_text TEXT NOT NULL DEFAULT '',
            picture TEXT,
            visibility TEXT NOT NULL
                CHECK (visibility IN ('everyone', 'adults', 'parents', 'worker')),
            responsible TEXT NOT NULL DEFAULT '',
            when_text TEXT NOT NULL DEFAULT '',
            how_we_know TEXT NOT NULL DEFAULT '',
            UNIQUE (version_id, item_key)
        );
        CREATE TABLE commitments (
            id INTEGER PRIMARY KEY,
            version_id INTEGER NOT NULL REFERENCES plan_versions(id) ON DELETE CASCADE,
            commitment_key TEXT NOT NULL,
            rule_key TEXT NOT NULL,
            person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
            text TEXT NOT NULL,
            starts_on TEXT,
            ends_on TEXT,
            UNIQUE (version_id, commitment_key)
        );
        CREATE TABLE plan_events (
            id INTEGER PRIMARY KEY,
            version_id INTEGER NOT NULL REFERENCES plan_versions(id) ON DELETE CASCADE,
            kind TEXT NOT NULL
                CHECK (kind IN ('start', 'network_meeting', 'follow_up', 'planned_end')),
            happens_on TEXT NOT NULL,
            title TEXT NOT NULL DEFAULT ''
        );

        -- Append-only answers from the family: the latest row per person and key counts.
        CREATE TABLE worry_views (
            id INTEGER PRIMARY KEY,
            family_id INTEGER NOT NULL REFERENCES families(id) ON DELETE CASCADE,
            item_key TEXT NOT NULL,
            person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
            view TEXT NOT NULL CHECK (view IN ('agree', 'partly', 'disagree')),
            words TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL
        );
        CREATE INDEX worry_views_family ON worry_views(family_id, item_key);
        CREATE TABLE commitment_responses (
            id INTEGER PRIMARY KEY,
            family_id INTEGER NOT NULL REFERENCES families(id) ON DELETE CASCADE,
            commitment_key TEXT NOT NULL,
            person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
            response TEXT NOT NULL CHECK (response IN ('confirmed', 'withdrawn')),
            reason TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL
        );

        -- A check-in is never changed once saved. client_id is made on the device, so a resend
        -- finds the row it already made instead of adding another.
        CREATE TABLE checkins (
            id INTEGER PRIMARY KEY,
            family_id INTEGER NOT NULL REFERENCES families(id) ON DELETE CASCADE,
            person_id INTEGER REFERENCES people(id) ON DELETE CASCADE,
            worker_id INTEGER REFERENCES workers(id),
            client_id TEXT NOT NULL UNIQUE,
            content_hash TEXT NOT NULL,
            version_id INTEGER REFERENCES plan_versions(id),
            rating INTEGER CHECK (rating BETWEEN 0 AND 10),
            words TEXT NOT NULL DEFAULT '',
            shared INTEGER NOT NULL DEFAULT 0,
            wants_to_talk INTEGER NOT NULL DEFAULT 0,
            shared_by_worker INTEGER REFERENCES workers(id),
            created_at TEXT NOT NULL,
            CHECK ((person_id IS NULL) != (worker_id IS NULL))
        );
        CREATE INDEX checkins_family ON checkins(family_id, created_at);
        CREATE TABLE checkin_rules (
            checkin_id INTEGER NOT NULL REFERENCES checkins(id) ON DELETE CASCADE,
            rule_key TEXT NOT NULL,
            kept TEXT NOT NULL CHECK (kept IN ('yes', 'partly', 'no', 'unknown')),
            PRIMARY KEY (checkin_id, rule_key)
        );
        CREATE TABLE attention_signals (
            id INTEGER PRIMARY KEY,
            family_id INTEGER NOT NULL REFERENCES families(id) ON DELETE CASCADE,
            person_id INTEGER REFERENCES people(id) ON DELETE CASCADE,
            kind TEXT NOT NULL CHECK (kind IN ('low_rating', 'rating_fell', 'rule_not_kept',
                'commitment_withdrawn', 'child_wants_to_talk', 'code_failures')),
            checkin_id INTEGER REFERENCES checkins(id) ON DELETE CASCADE,
            commitment_key TEXT,
            created_at TEXT NOT NULL,
            handled_at TEXT,
            handled_by INTEGER REFERENCES workers(id)
        );
        CREATE INDEX attention_open ON attention_signals(family_id, handled_at);

        -- Who did what to which family's data, and when. Never any content.
        CREATE TABLE audit (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            actor_type TEXT NOT NULL
                CHECK (actor_type IN ('person', 'worker', 'anonymous', 'system')),
            actor_id INTEGER,
            role TEXT,
            action TEXT NOT NULL,
            object_type TEXT,
            object_id TEXT,
            family_id INTEGER,
            outcome TEXT NOT NULL DEFAULT 'ok'
        );
        CREATE INDEX audit_family ON audit(family_id, at);
        CREATE TRIGGER audit_is_append_only_update BEFORE UPDATE ON audit
            BEGIN SELECT RAISE(ABORT, 'audit rows cannot be changed'); END;
        CREATE TRIGGER audit_is_append_only_delete BEFORE DELETE ON audit
            BEGIN SELECT RAISE(ABORT, 'audit rows cannot be removed'); END;
        """
    )


@migrations()
def m002_staff_sign_in(db: Database) -> None:
    """A one-time code is good once: remember the last time step each worker used."""
    db.executescript(
        """
        ALTER TABLE workers ADD COLUMN totp_last_step INTEGER;
        CREATE INDEX sessions_worker ON sessions(worker_id);
        """
    )


@migrations()
def m003_indexes_for_lookups_and_deletion(db: Database) -> None:
    """Indexes on the columns that a check-in, a sign-in and deleting a closed case look up."""
    db.executescript(
        """
        CREATE INDEX checkins_person ON checkins(person_id, id);
        CREATE INDEX checkins_worker ON checkins(worker_id);
        CREATE INDEX photos_family ON photos(family_id);
        CREATE INDEX invites_person ON invites(person_id);
        CREATE INDEX attention_checkin ON attention_signals(checkin_id);
        CREATE INDEX attention_person ON attention_signals(person_id);
        CREATE INDEX commitments_person ON commitments(person_id);
        CREATE INDEX commitment_responses_family ON commitment_responses(family_id, commitment_key);
        CREATE INDEX worry_views_person ON worry_views(person_id);
        CREATE INDEX families_team ON families(team_id);
        CREATE INDEX people_photo ON people(photo_id);
        """
    )


@migrations()
def m004_quick_exit_locks_the_device(db: Database) -> None:
    """Lämna snabbt locks a device instead of ending its session: the person gets back in with
    their own code, and until then the device shows nothing but the code prompt."""
    db.execute("ALTER TABLE sessions ADD COLUMN locked_at TEXT")


@migrations()
def m005_wrong_tries_counted_per_device_address_and_account(db: Database) -> None:
    """Wrong codes and passwords are counted per device, address and account (store/throttle.py)
    instead of per account alone, which let anyone keep the owner out. Keys are hashes; rows
    live a day."""
    db.executescript(
        """
        CREATE TABLE sign_in_failures (
            id INTEGER PRIMARY KEY,
            account TEXT NOT NULL,
            device TEXT NOT NULL,
            address TEXT NOT NULL,
            at TEXT NOT NULL
        );
        CREATE INDEX sign_in_failures_account ON sign_in_failures(account, at);
        CREATE INDEX sign_in_failures_device ON sign_in_failures(device, at);
        CREATE INDEX sign_in_failures_address ON sign_in_failures(address, at);
        CREATE INDEX sign_in_failures_at ON sign_in_failures(at);
        ALTER TABLE people DROP COLUMN code_failures;
        ALTER TABLE people DROP COLUMN code_retry_after;
        ALTER TABLE workers DROP COLUMN failed_logins;
        ALTER TABLE workers DROP COLUMN retry_after;
        """
    )


@migrations()
def m006_what_a_child_answers(db: Database) -> None:
    """The child's own pages: a picture with a check-in, the things a child adds to the three
    houses, and when the worker shared one of them with the parents (until then the worker
    alone sees what a child answered)."""
    db.executescript(
        """
        ALTER TABLE checkins ADD COLUMN picture TEXT;
        ALTER TABLE checkins ADD COLUMN shared_at TEXT;
        CREATE TABLE child_additions (
            id INTEGER PRIMARY KEY,
            family_id INTEGER NOT NULL REFERENCES families(id) ON DELETE CASCADE,
            person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
            client_id TEXT NOT NULL UNIQUE,
            house TEXT NOT NULL CHECK (house IN ('worries', 'good', 'dreams')),
            picture TEXT,
            words TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL,
            shared_by_worker INTEGER REFERENCES workers(id),
            shared_at TEXT,
            CHECK (picture IS NOT NULL OR words != '')
        );
        CREATE INDEX child_additions_family ON child_additions(family_id, created_at);
        CREATE INDEX child_additions_person ON child_additions(person_id);
        """
    )


@migrations()
def m007_plan_items_in_the_familys_languages(db: Database) -> None:
    """A plan item's words in another language, written by the worker (often with an
    interpreter). A translation belongs to one item of one version, so it is copied into a new
    draft and published with it, as the item is. ``source_hash`` is the hash of the Swedish it
    was written from: when the Swedish changes, the worker is told the translation may be out
    of date."""
    db.executescript(
        """
        CREATE TABLE plan_item_translations (
            item_id INTEGER NOT NULL REFERENCES plan_items(id) ON DELETE CASCADE,
            language TEXT NOT NULL,
            text TEXT NOT NULL CHECK (text != ''),
            source_hash TEXT NOT NULL,
            updated_by INTEGER REFERENCES workers(id),
            updated_at TEXT NOT NULL,
            PRIMARY KEY (item_id, language)
        );
        """
    )


@migrations()
def m008_answers_sent_again_are_kept_once(db: Database) -> None:
    """A view on a worry and an answer to a commitment carry the id their form was made with,
    as check-ins do, so an answer the phone sends again (the offline outbox) is kept once."""
    db.executescript(
        """
        ALTER TABLE worry_views ADD COLUMN client_id TEXT;
        ALTER TABLE commitment_responses ADD COLUMN client_id TEXT;
        CREATE UNIQUE INDEX worry_views_client
            ON worry_views(person_id, client_id) WHERE client_id IS NOT NULL;
        CREATE UNIQUE INDEX commitment_responses_client
            ON commitment_responses(person_id, client_id) WHERE client_id IS NOT NULL;
        """
    )


@migrations()
def m009_calendar_subscriptions(db: Database) -> None:
    """A person's calendar address (the plan's dates in the phone's own calendar). Only the
    token's SHA-256 is kept, as for invites; the person or the worker revokes it, and the
    person chooses whether events carry the commitment's own words or a neutral title."""
    db.executescript(
        """
        CREATE TABLE calendar_subscriptions (
            id INTEGER PRIMARY KEY,
            person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
            token_hash TEXT NOT NULL UNIQUE,
            full_titles INTEGER NOT NULL DEFAULT 0 CHECK (full_titles IN (0, 1)),
            created_at TEXT NOT NULL,
            revoked_at TEXT,
            revoked_by INTEGER REFERENCES workers(id)
        );
        CREATE INDEX calendar_subscriptions_person ON calendar_subscriptions(person_id);
        """
    )


@migrations()
def m010_numbers_to_call(db: Database) -> None:
    """A person's phone number, written by the social worker, and who in the family may see it
    on the plan: nobody (the default), the parents, or the parents and the network (as a plan
    item's visibility). Children never see it: they have their own page to ask for help."""
    db.executescript(
        """
        ALTER TABLE people ADD COLUMN phone TEXT NOT NULL DEFAULT '';
        ALTER TABLE people ADD COLUMN phone_shared_with TEXT NOT NULL DEFAULT 'nobody'
            CHECK (phone_shared_with IN ('nobody', 'parents', 'adults'));
        """
    )


@migrations()
def m011_someone_steps_in(db: Database) -> None:
    """When a network member says they cannot keep a commitment any more, another adult of the
    family answers "Jag kan ta det" (one offer per withdrawal, the first is kept); the worker is
    told, and puts it in the plan with one action. ``client_id`` keeps a resend once."""
    # A new kind of attention signal. SQLite cannot change a CHECK in place: the table is made
    # again from its own stored definition with the new kind added, so kinds that other
    # migrations added stay.
    sql = db.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'attention_signals'"
    ).fetchone()[0]
    indexes = [
        row[0]
        for row in db.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'attention_signals'"
            " AND sql IS NOT NULL"
        )
    ]
    if "'someone_steps_in'" not in sql:
        new_sql = sql.replace("'code_failures'", "'code_failures', 'someone_steps_in'", 1)
        new_sql = new_sql.replace("attention_signals", "attention_signals_m011", 1)
        db.execute(new_sql)
        db.execute("INSERT INTO attention_signals_m011 SELECT * FROM attention_signals")
        db.execute("DROP TABLE attention_signals")
        db.execute("ALTER TABLE attention_signals_m011 RENAME TO attention_signals")
        for index in indexes:
            db.execute(index)
    db.executescript(
        """
        CREATE TABLE stepping_in (
            id INTEGER PRIMARY KEY,
            family_id INTEGER NOT NULL REFERENCES families(id) ON DELETE CASCADE,
            commitment_key TEXT NOT NULL,
            -- The answer "Jag kan inte längre" this offers to take over: one offer for each.
            withdrawal_id INTEGER NOT NULL UNIQUE
                REFERENCES commitment_responses(id) ON DELETE CASCADE,
            person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
            client_id TEXT,
            -- No foreign key: attention_signals may be made again, as above.
            signal_id INTEGER,
            created_at TEXT NOT NULL,
            -- Set when the worker put it in the plan: who, when, and in which version.
            placed_at TEXT,
            placed_by INTEGER REFERENCES workers(id),
            placed_version_id INTEGER REFERENCES plan_versions(id) ON DELETE SET NULL,
            placed_commitment_key TEXT
        );
        CREATE INDEX stepping_in_family ON stepping_in(family_id, commitment_key);
        CREATE INDEX stepping_in_person ON stepping_in(person_id);
        CREATE INDEX stepping_in_signal ON stepping_in(signal_id);
        CREATE UNIQUE INDEX stepping_in_client
            ON stepping_in(person_id, client_id) WHERE client_id IS NOT NULL;
        """
    )


@migrations()
def m012_a_persons_copy_of_their_data(db: Database) -> None:
    """A person's copy of what the app holds about them (GDPR art. 15), prepared by the worker.
    The copy is a snapshot taken when prepared, so what the worker reviewed is exactly what is
    downloaded; ``left_out`` holds the parts the worker left out for secrecy, with the reason.
    The link is a one-time secret kept as SHA-256 only, as for invites. Deleting the person (a
    closed case past its retention period) deletes their copies."""
    db.executescript(
        """
        CREATE TABLE data_copies (
            id INTEGER PRIMARY KEY,
            family_id INTEGER NOT NULL REFERENCES families(id) ON DELETE CASCADE,
            person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
            prepared_by INTEGER REFERENCES workers(id),
            prepared_at TEXT NOT NULL,
            content TEXT NOT NULL,
            photo BLOB,
            photo_mime TEXT,
            left_out TEXT NOT NULL DEFAULT '[]',
            reviewed_at TEXT,
            handed_over_by INTEGER REFERENCES workers(id),
            handed_over_at TEXT,
            token_hash TEXT UNIQUE,
            expires_at TEXT,
            downloaded_at TEXT
        );
        CREATE INDEX data_copies_person ON data_copies(person_id);
        CREATE INDEX data_copies_family ON data_copies(family_id);
        """
    )


@migrations()
def m013_signed_in_through_the_municipality(db: Database) -> None:
    """A staff session started through the municipality's OpenID provider keeps the provider's
    ID token, which signing out hands back (id_token_hint). It holds the worker's e-mail, so it
    goes as soon as the session ends, however it ends."""
    db.executescript(
        """
        ALTER TABLE sessions ADD COLUMN oidc_id_token TEXT;
        CREATE TRIGGER sessions_drop_id_token AFTER UPDATE OF ended_at ON sessions
            WHEN NEW.ended_at IS NOT NULL AND NEW.oidc_id_token IS NOT NULL
            BEGIN UPDATE sessions SET oidc_id_token = NULL WHERE id = NEW.id; END;
        """
    )


def copy_database(source: str | Path, target: str | Path) -> str:
    """Copy a database with SQLite's online backup API; return the copy's integrity check.

    Safe while the app writes to the source: the copy is one consistent moment, which a plain
    file copy of a live WAL database is not.
    """
    with closing(sqlite3.connect(str(source), timeout=BUSY_TIMEOUT_MS / 1000)) as src:
        with closing(sqlite3.connect(str(target))) as dst:
            src.backup(dst)
            return dst.execute("PRAGMA integrity_check").fetchone()[0]


def init_app(app: Flask) -> None:
    app.teardown_appcontext(close_db)


@click.command("init-db")
@with_appcontext
def init_db_command() -> None:
    """Create the database, or bring it up to date. Running it twice is harmless."""
    path = current_app.config["DATABASE"]
    db = connect(path)
    applied = migrate(db)
    db.close()
    if applied:
        click.echo(
            _("Database %(path)s is updated: %(names)s", path=path, names=", ".join(applied))
        )
    else:
        click.echo(_("Database %(path)s is up to date already.", path=path))


@click.command("backup")
@click.argument("target", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(target: Path) -> None:
    """Copy the live database to TARGET (a new file), while the app keeps running."""
    if target.exists():
        raise Refused(_("%(path)s already exists. Choose a new file name.", path=target))
    result = copy_database(current_app.config["DATABASE"], target)
    if result != "ok":
        raise Refused(_("The copy is not whole: %(result)s", result=result))
    target.chmod(0o600)
    click.echo(_("Copy saved in %(path)s (integrity_check: ok)", path=target))


@click.command("restore")
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Replace the database without asking.")
@with_appcontext
def restore_command(source: Path, yes: bool) -> None:
    """Replace the database with a backup. Stop the server first."""
    try:
        with closing(sqlite3.connect(str(source))) as backup:
            result = backup.execute("PRAGMA integrity_check").fetchone()[0]
    except sqlite3.DatabaseError as error:
        result = str(error)
    if result != "ok":
        raise Refused(_("The copy is not whole: %(result)s", result=result))
    target = current_app.config["DATABASE"]
    # Asked with a word of the app's language: click.confirm wants an English y.
    question = _("Replace %(target)s with %(source)s? Stop the server first. Write yes to go on",
                 target=target, source=source)  # fmt: skip
    if not yes and click.prompt(question, default="", show_default=False).strip().lower() != _(
        "yes"
    ):
        raise Refused(_("Nothing was changed."))
    copy_database(source, target)
    db = connect(target)
    migrate(db)
    db.close()
    click.echo(
        _("The database %(target)s is restored from %(source)s", target=target, source=source)
    )
