"""Slowing down guessing without shutting the owner out: the one rule for a family member's code
and a worker's password and one-time code.

Every wrong try is written down with the account it was for, the device it came from (a phone's
session, a browser's cookie) and the network address. A try must wait while any of the three
has had too many wrong tries:

- the same device, in the last day: from the 3rd wrong code (5th wrong password or one-time
  code);
- the same address, in the last hour: from the 20th, so that a browser that drops its cookie
  gains nothing;
- the account, from every device and address together, in the last hour: from the 50th.

The first wait is 30 seconds, and each further wrong try doubles it, up to 15 minutes (30 for
staff). A try made during a wait is not checked at all, so guessing cannot go faster, and it is
not counted. A right answer clears that account's wrong tries from that device. One phone or
one browser cannot reach the address's or the account's limit in an hour, so someone who holds
one of a person's phones, or knows a worker's e-mail, slows only themselves: only guessing from
many devices and addresses at once makes the owner wait too.

Five wrong codes in a burst (less than an hour apart, since the last right code on that device)
tell the worker with an attention signal, once for each burst (store/sessions.py).

An e-mail address without an account is counted in the same way, so the answers (and the work
done) cannot tell which addresses exist. The keys are stored as hashes, and rows older than a
day are deleted.
"""

import math
from dataclasses import dataclass
from datetime import timedelta

from sqlite_utils import Database

from . import now, parse_timestamp, sha256, timestamp

# How far back wrong tries count: a device's for a day (a phone that keeps guessing stays slow),
# an address's and an account's for an hour (others share them).
DEVICE_WINDOW = timedelta(days=1)
WINDOW = timedelta(hours=1)
FIRST_WAIT = timedelta(seconds=30)
# Wrong tries with less than an hour between them are one burst; each burst tells the worker.
QUIET = timedelta(hours=1)
KEPT_FOR = DEVICE_WINDOW


@dataclass(frozen=True)
class Limits:
    """From which wrong try in the last hour a device, an address and an account must wait."""

    device: int
    address: int
    account: int
    longest_wait: timedelta


CODES = Limits(device=3, address=20, account=50, longest_wait=timedelta(minutes=15))
STAFF = Limits(device=5, address=20, account=50, longest_wait=timedelta(minutes=30))


@dataclass(frozen=True)
class Source:
    """Where a try comes from: the device (a phone's session, a browser's cookie) and the
    network address."""

    device: str
    address: str


def person_account(person_id: int) -> str:
    return f"person:{person_id}"


def staff_account(email: str) -> str:
    """A worker's account by the e-mail as typed (trimmed, lower case), known or not."""
    return f"staff:{email.strip().lower()}"


def _keys(account: str, source: Source) -> dict[str, str]:
    return {
        "account": sha256(account),
        "device": sha256(f"device:{source.device}"),
        "address": sha256(f"address:{source.address}"),
    }


def _wait_after(wrong: int, limit: int, longest: timedelta) -> timedelta:
    """The wait after ``wrong`` wrong tries when the limit is ``limit``."""
    if wrong < limit:
        return timedelta(0)
    return min(FIRST_WAIT * 2 ** min(wrong - limit, 20), longest)


def wait_seconds(db: Database, limits: Limits, *, account: str, source: Source) -> int:
    """How long a try for ``account`` from ``source`` must wait; 0 if it may be checked now."""
    keys = _keys(account, source)
    longest = 0.0
    for column, limit, window in (
        ("device", limits.device, DEVICE_WINDOW),
        ("address", limits.address, WINDOW),
        ("account", limits.account, WINDOW),
    ):
        wrong, last = db.execute(
            # Only our own column names are formatted in.
            f"SELECT COUNT(*), MAX(at) FROM sign_in_failures WHERE {column} = ? AND at > ?",  # noqa: S608
            [keys[column], timestamp(now() - window)],
        ).fetchone()
        if wrong >= limit:
            until = parse_timestamp(last) + _wait_after(wrong, limit, limits.longest_wait)
            longest = max(longest, (until - now()).total_seconds())
    return math.ceil(longest) if longest > 0 else 0


def failed(db: Database, limits: Limits, *, account: str, source: Source) -> int:
    """Write down a wrong try; return the wait it starts (0 for none)."""
    db["sign_in_failures"].insert({**_keys(account, source), "at": timestamp()})
    db.execute("DELETE FROM sign_in_failures WHERE at < ?", [timestamp(now() - KEPT_FOR)])
    return wait_seconds(db, limits, account=account, source=source)


def succeeded(db: Database, *, account: str, source: Source) -> None:
    """A right answer clears the account's wrong tries from this device."""
    keys = _keys(account, source)
    db.execute(
        "DELETE FROM sign_in_failures WHERE account = ? AND device = ?",
        [keys["account"], keys["device"]],
    )


def forget(db: Database, account: str) -> None:
    """Clear every wrong try for the account: a worker sent a new link, or an administrator
    opened an account again."""
    db.execute("DELETE FROM sign_in_failures WHERE account = ?", [sha256(account)])


def wrong_in_a_row(db: Database, account: str, *, up_to: int) -> int:
    """How many wrong tries the account's current burst has (tries less than an hour apart,
    from any device), counted up to ``up_to + 1``."""
    times = [
        parse_timestamp(row[0])
        for row in db.execute(
            "SELECT at FROM sign_in_failures WHERE account = ? ORDER BY at DESC LIMIT ?",
            [sha256(account), up_to + 1],
        ).fetchall()
    ]
    count = 1 if times else 0
    for newer, older in zip(times, times[1:], strict=False):
        if newer - older >= QUIET:
            break
        count += 1
    return count
