"""One SQLite connection per server thread, lent to one request after another.

Opening the file for every request, with its five pragmas, and closing it again cost more than
the reads of a page answered 304 (README, *Performance*). So each thread keeps its connection and
lends it to its next request. A connection goes back clean: every cursor it made is closed
(an unfinished read would otherwise keep an old snapshot of the file in WAL mode, and the next
request would not see what others wrote since) and a transaction left open is rolled back. A
connection is never used in another process (a server that forks its workers opens its own),
nor for another file.
"""

import os
import sqlite3
import threading
import weakref
from collections.abc import Callable

from sqlite_utils import Database


class TrackedConnection(sqlite3.Connection):
    """A connection that knows its open cursors. (The C code behind ``execute`` makes its
    cursor without calling ``cursor``, so each way in is its own method here.)"""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.cursors: weakref.WeakSet = weakref.WeakSet()

    def cursor(self, *args, **kwargs):
        made = super().cursor(*args, **kwargs)
        self.cursors.add(made)
        return made

    def execute(self, *args, **kwargs):
        return self.cursor().execute(*args, **kwargs)

    def executemany(self, *args, **kwargs):
        return self.cursor().executemany(*args, **kwargs)

    def executescript(self, *args, **kwargs):
        return self.cursor().executescript(*args, **kwargs)

    def make_clean(self) -> None:
        for cursor in list(self.cursors):
            cursor.close()
        if self.in_transaction:
            self.rollback()


_kept = threading.local()


def lend(path: str, connect: Callable[[str], Database]) -> Database:
    """This thread's connection to ``path``, opened on first use. A request inside another
    (a nested app context) gets a connection of its own, closed at its end."""
    found = getattr(_kept, "db", None)
    if found is not None:
        kept_path, pid, db = found
        if kept_path == path and pid == os.getpid():
            if getattr(_kept, "lent", False):
                return connect(path)
            _kept.lent = True
            return db
        _kept.db = None
        if pid == os.getpid():
            db.close()
    db = connect(path)
    if not isinstance(db.conn, TrackedConnection):
        return db  # not ours to keep
    _kept.db, _kept.lent = (path, os.getpid(), db), True
    return db


def give_back(db: Database) -> None:
    """At the end of a request: clean the connection for the next one, or close it."""
    found = getattr(_kept, "db", None)
    if found is not None and found[2] is db:
        _kept.lent = False
        try:
            db.conn.make_clean()
            return
        except sqlite3.Error:
            _kept.db = None
    db.close()
