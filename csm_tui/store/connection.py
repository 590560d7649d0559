"""Opening the SQLite file safely: 0600, WAL, foreign keys, busy timeout, schema version check."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
from collections.abc import Callable, Iterator
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from csm_tui.clock import Clock, SystemClock
from csm_tui.errors import StoreError
from csm_tui.i18n import _
from csm_tui.store import soundness
from csm_tui.store.bulk import dropped, restore_after_a_kill, sync_lock_path
from csm_tui.store.effort_rollup import ensure_rollup, is_rollup_trigger
from csm_tui.store.migrations import APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION

if TYPE_CHECKING:
    from sqlite_utils import Database

    from csm_tui.store.journal import Changes, Transaction

DEFAULT_BUSY_TIMEOUT_MS = 5000


def describe_sqlite_error(exc: sqlite3.Error, path: Path | str) -> str:
    """Turn an sqlite3 exception into one sentence a user can act on."""
    text = str(exc).lower()
    if "locked" in text or "busy" in text:
        if _sync_is_running(Path(path)):
            return _(
                "The database {path} stayed busy while csm-tui's sync was writing to it; "
                "nothing was saved. Try again in a moment."
            ).format(path=path)
        return _(
            "The database {path} is busy: another csm-tui window or another program is "
            "writing to it. Nothing was saved; try again in a moment."
        ).format(path=path)
    if "not a database" in text or "malformed" in text or "corrupt" in text:
        return _("The file {path} is not a csm-tui database or it is damaged ({error}).").format(
            path=path, error=exc
        )
    if "readonly" in text or "read-only" in text:
        return _("The database {path} is read-only; check its permissions.").format(path=path)
    if "unable to open" in text:
        return _(
            "The database {path} cannot be opened; check that its folder exists and is writable."
        ).format(path=path)
    if ("disk" in text and "full" in text) or ("disk i/o" in text and _disk_is_full(Path(path))):
        return _("The disk holding {path} is full; nothing was saved.").format(path=path)
    return _("Database error in {path}: {error}").format(path=path, error=exc)


def _sync_is_running(path: Path) -> bool:
    """Whether a sync of this book holds its lock now (so a busy book is csm-tui's own doing)."""
    try:
        import fcntl
    except ImportError:  # Windows: no advisory locks to ask
        return False
    try:
        fd = os.open(sync_lock_path(path), os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except OSError:
        return True
    finally:
        os.close(fd)  # closing lets go of a lock taken above
    return False


def _disk_is_full(path: Path) -> bool:
    """SQLite says "disk I/O error" when the disk fills before the WAL file exists."""
    try:
        stats = os.statvfs(path.parent)
    except (OSError, AttributeError):
        return False
    return stats.f_bavail * stats.f_frsize < 1024 * 1024


@contextlib.contextmanager
def translate_errors(path: Path | str) -> Iterator[None]:
    """Re-raise sqlite3 errors as StoreError with a clear sentence."""
    try:
        yield
    except sqlite3.Error as exc:
        raise StoreError(describe_sqlite_error(exc, path)) from exc


@contextlib.contextmanager
def immediate(conn: sqlite3.Connection) -> Iterator[None]:
    """A write transaction that takes the write lock when it begins (`BEGIN IMMEDIATE`).

    A deferred `BEGIN` reads first and asks for the write lock later; if another connection
    (csm-tui's own sync) committed in between, SQLite fails the write at once with SQLITE_BUSY
    instead of waiting out the busy timeout. Taking the lock first makes writers queue.
    Nested, it is a savepoint of the transaction already open.
    """
    if conn.in_transaction:
        name = f"tx_{os.urandom(8).hex()}"
        conn.execute(f"SAVEPOINT {name}")
        try:
            yield
        except BaseException:
            if conn.in_transaction:  # a RAISE(ROLLBACK) may already have ended it
                conn.execute(f"ROLLBACK TO SAVEPOINT {name}")
                conn.execute(f"RELEASE SAVEPOINT {name}")
            raise
        conn.execute(f"RELEASE SAVEPOINT {name}")
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
        conn.execute("COMMIT")
    except BaseException:
        conn.rollback()  # a no-op when the error has already ended the transaction
        raise


def _create_private_file(path: Path) -> None:
    """Create the database file with mode 0600 before SQLite touches it."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        _make_private(path)
        return
    os.close(fd)
    path.chmod(0o600)  # in case the umask took bits away; never adds any to an existing file


def _make_private(path: Path) -> None:
    """A book readable by other users (say a file made with the umask's 0644, then given to
    --db) is made private, as a new one is; one that cannot be is refused."""
    mode = path.stat().st_mode
    if not mode & 0o077:
        return
    try:
        path.chmod(mode & 0o700 | 0o600)
    except OSError as exc:
        raise StoreError(
            _(
                "The book {path} can be read by other users (mode {mode:o}) and csm-tui cannot "
                "change that ({error}); run `chmod 600 {path}` and try again."
            ).format(path=path, mode=mode & 0o777, error=exc.strerror or exc)
        ) from exc


class Store:
    """One open database, shared by the UI thread and its workers.

    SQLite serialises calls on a connection (threadsafety 3); `lock` keeps a multi-statement
    unit (a write transaction, rebuilding the book) from interleaving with another thread's.
    """

    def __init__(self, conn: sqlite3.Connection, path: Path, clock: Clock) -> None:
        self.conn = conn
        self.path = path
        self.clock = clock
        self.lock = threading.RLock()
        # called with what changed after each committed transaction that journaled something
        # (the sync engine counts what is pending, the UI reloads); on the committing thread,
        # so they must be quick and never wait for another thread
        self.after_commit: list[Callable[[Changes], None]] = []
        self.open_transactions: list[Transaction] = []  # nested ones are savepoints
        self._reader: Store | None = None  # see reader()
        self._seconds: list[Store] = []  # see second_connection()
        self._reader_lock = threading.Lock()
        # whether the file is known to be sound: found as csm-tui left it, or checked (see
        # store.soundness); set by open_store
        self.sound = False
        self._sound_lock = threading.Lock()

    def ensure_sound(self) -> None:
        """Before the first write of this process: refuse a damaged book (StoreError)."""
        if self.sound:
            return
        # on a connection of its own, so that a check of seconds (a large book) on a worker
        # does not hold `lock`, which the UI thread's reads take
        with self._sound_lock:
            if not self.sound:
                soundness.check_file(self.path)
                self.sound = True

    @cached_property
    def db(self) -> Database:
        """The sqlite-utils view of the same connection (imported on first write)."""
        from sqlite_utils import Database

        return Database(self.conn)

    @cached_property
    def keeps_outbox(self) -> bool:
        """Whether writes leave journal entries for the sync: not in the demo book, which can
        never sync (store.journal.drop_outbox)."""
        from csm_tui.store.settings_keys import DEMO_SETTING

        return self.get_setting(DEMO_SETTING) is None

    def transaction(self) -> Transaction:
        """A journaled write transaction: use as `with store.transaction() as tx:`."""
        from csm_tui.store.journal import Transaction

        return Transaction(self)

    def query(self, sql: str, params: tuple[Any, ...] | dict[str, Any] = ()) -> list[sqlite3.Row]:
        with translate_errors(self.path):
            return self.conn.execute(sql, params).fetchall()

    def query_one(
        self, sql: str, params: tuple[Any, ...] | dict[str, Any] = ()
    ) -> sqlite3.Row | None:
        with translate_errors(self.path):
            row: sqlite3.Row | None = self.conn.execute(sql, params).fetchone()
            return row

    def get_setting(self, key: str) -> str | None:
        row = self.query_one("SELECT value FROM settings WHERE key = ?", (key,))
        return None if row is None else str(row[0])

    def set_setting(self, key: str, value: str) -> None:
        """Local, per-machine settings (who "me" is). They are not user data and not journaled."""
        with translate_errors(self.path), self.lock, immediate(self.conn):
            self.conn.execute(
                "INSERT INTO settings (key, value) VALUES (?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, value),
            )
        self.__dict__.pop("keeps_outbox", None)  # the demo mark may have been set just now

    @property
    def schema_version(self) -> int:
        return int(self.conn.execute("PRAGMA user_version").fetchone()[0])

    @contextlib.contextmanager
    def reader(self) -> Iterator[Store | None]:
        """A second, read-only connection to the same file, for one thread at a time: two
        long reads (the analytics) can then run at once on two cores, since SQLite lets go of
        the GIL while it works. None when there is none to be had (the file is busy, or in
        use by another reader of this store): run the reads one after the other."""
        if not self._reader_lock.acquire(blocking=False):
            yield None
            return
        try:
            if self._reader is None:
                try:
                    conn = sqlite3.connect(
                        f"{self.path.resolve().as_uri()}?mode=ro",
                        uri=True,
                        timeout=DEFAULT_BUSY_TIMEOUT_MS / 1000,
                        check_same_thread=False,
                    )
                except sqlite3.Error:
                    yield None
                    return
                conn.row_factory = sqlite3.Row
                self._reader = Store(conn, self.path, self.clock)
            yield self._reader
        finally:
            self._reader_lock.release()

    def second_connection(self) -> Store | None:
        """A read-only connection of the caller's own (closed with this store), for work that
        must not wait on `lock`: the book's next table is built there while queries go on
        (services/book.py). None when the file cannot be opened again."""
        try:
            conn = sqlite3.connect(
                f"{self.path.resolve().as_uri()}?mode=ro",
                uri=True,
                timeout=DEFAULT_BUSY_TIMEOUT_MS / 1000,
                check_same_thread=False,
            )
        except sqlite3.Error:
            return None
        conn.row_factory = sqlite3.Row
        second = Store(conn, self.path, self.clock)
        self._seconds.append(second)
        return second

    def close(self) -> None:
        for second in self._seconds:
            second.conn.close()
        self._seconds.clear()
        if self._reader is not None:
            self._reader.close()
            self._reader = None
        self.conn.close()
        if self.sound:  # after the close's checkpoint: the file as this process leaves it
            soundness.record_sound(self.path)

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_store(
    path: Path | str,
    *,
    clock: Clock | None = None,
    busy_timeout_ms: int = DEFAULT_BUSY_TIMEOUT_MS,
    check_same_thread: bool = False,
) -> Store:
    """Open (creating if needed) and migrate the database at `path`."""
    path = Path(path)
    if path.exists() and path.is_dir():
        raise StoreError(f"{path} is a folder, not a database file.")
    new_book = not path.exists() or path.stat().st_size == 0
    sound = new_book or soundness.known_sound(path)
    try:
        _create_private_file(path)
    except OSError as exc:
        raise StoreError(f"Cannot create the database {path}: {exc.strerror or exc}.") from exc
    try:
        conn = sqlite3.connect(
            path, timeout=busy_timeout_ms / 1000, check_same_thread=check_same_thread
        )
    except sqlite3.Error as exc:
        raise StoreError(describe_sqlite_error(exc, path)) from exc
    conn.row_factory = sqlite3.Row
    try:
        with translate_errors(path):
            conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
            application_id = int(conn.execute("PRAGMA application_id").fetchone()[0])
            foreign = application_id != APPLICATION_ID if version else _has_foreign_tables(conn)
            if foreign:
                raise StoreError(
                    f"The file {path} is an SQLite database of another program; "
                    "csm-tui will not change it."
                )
            if version > SCHEMA_VERSION:
                raise StoreError(
                    f"The database {path} was written by a newer csm-tui (schema {version}, "
                    f"this version knows {SCHEMA_VERSION}); upgrade csm-tui to open it. "
                    "The file was not changed."
                )
            if conn.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
                conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA foreign_keys = ON")
            # a REPLACE (a pulled page) deletes through the delete triggers (store.effort_rollup)
            conn.execute("PRAGMA recursive_triggers = ON")
            conn.execute("PRAGMA synchronous = FULL")  # a saved activity survives power loss
            if version:  # before migrating: a migration may expect an index a download dropped
                restore_after_a_kill(conn, path)
            if version < SCHEMA_VERSION:
                _migrate(conn, version)
            if not any(is_rollup_trigger(sql) for sql in dropped(conn)):
                ensure_rollup(conn)  # derived, like an index: made once per book (a download
                # that put its triggers aside counts it again at its end)
    except BaseException:
        conn.close()
        raise
    store = Store(conn, path, clock or SystemClock())
    store.sound = sound
    return store


def peek_setting(path: Path, key: str) -> str | None:
    """Read one local setting from a file without opening it as a store.

    Read-only and immutable, so not even -wal/-shm files appear beside it; anything that is not a
    readable csm-tui database answers None.
    """
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
    except (sqlite3.Error, OSError):
        return None
    try:
        row = conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
    except sqlite3.Error:
        return None
    finally:
        conn.close()
    return None if row is None else str(row[0])


def _has_foreign_tables(conn: sqlite3.Connection) -> bool:
    row = conn.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()
    return bool(row[0])


def _migrate(conn: sqlite3.Connection, current: int) -> None:
    """Apply the missing migrations, each in its own transaction with its version bump."""
    for number, script in enumerate(MIGRATIONS[current:], start=current + 1):
        # executescript commits first, so wrap the script in an explicit transaction
        try:
            conn.executescript(
                f"BEGIN IMMEDIATE;\n{script}\nPRAGMA user_version = {number};\nCOMMIT;"
            )
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
