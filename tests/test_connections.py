"""A server thread keeps its SQLite connection from one request to the next (connections.py):
the next request must still see everything written since, and a request inside another gets a
connection of its own."""

from familjeapp.db import get_db


def test_a_read_left_unfinished_does_not_hide_what_was_written_since(app, db, demo):
    sara = demo["people"][0]["id"]
    with app.app_context():
        lent = get_db()
        unfinished = lent.conn.execute("SELECT id, name FROM people ORDER BY id")
        assert unfinished.fetchone()[1] == "Sara"  # the other rows are never read
    db.execute("UPDATE people SET name = 'Sara Ny' WHERE id = ?", [sara])
    with app.app_context():
        again = get_db()
        assert again is lent  # the same connection, lent again
        name = again.execute("SELECT name FROM people WHERE id = ?", [sara]).fetchone()[0]
        assert name == "Sara Ny"


def test_a_transaction_left_open_is_rolled_back(app, db, demo):
    with app.app_context():
        get_db().execute("BEGIN IMMEDIATE")
        get_db().execute("UPDATE people SET name = 'Halvklar'")
    # The write lock is free again and nothing was kept.
    db.execute("UPDATE people SET relation = relation")
    assert db.execute("SELECT count(*) FROM people WHERE name = 'Halvklar'").fetchone()[0] == 0


def test_a_request_inside_another_gets_a_connection_of_its_own(app, demo):
    with app.app_context():
        outer = get_db()
        with app.app_context():
            inner = get_db()
            assert inner is not outer
        assert outer.execute("SELECT count(*) FROM people").fetchone()[0] > 0
