"""Digests of files keyed by their stat, as DVC's state database: an unchanged file is hashed once.

The key holds the change time (ctime) besides size, mtime and inode: a user can set a file's mtime back
after editing it (``touch -d``, ``os.utime``), but not its ctime, which every write and every utime
call moves to now. A same-size edit with the mtime restored is therefore hashed again.
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

from arabic_llm.cache.keys import sha256_file


class StatCache:
    """Digests of files keyed by (path, size, mtime, ctime, inode), as DVC's state database.

    An unchanged large file is hashed once; a file whose stat changed is hashed again.
    """

    def __init__(self, db_path: Path | None):
        self._db_path = db_path
        self._local = threading.local()

    def _conn(self) -> sqlite3.Connection | None:
        if self._db_path is None:
            return None
        conn = getattr(self._local, "conn", None)
        if conn is None:
            self._db_path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self._db_path, timeout=30, isolation_level=None)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute(
                "CREATE TABLE IF NOT EXISTS digests_v2 (path TEXT PRIMARY KEY, size INTEGER, "
                "mtime_ns INTEGER, ctime_ns INTEGER, inode INTEGER, digest TEXT)"
            )
            conn.execute("DROP TABLE IF EXISTS digests")  # the older table, keyed without ctime
            self._local.conn = conn
        return conn

    def digest(self, path: Path) -> str:
        path = Path(path).resolve()
        st = path.stat()
        conn = self._conn()
        if conn is not None:
            row = conn.execute(
                "SELECT digest FROM digests_v2 WHERE path=? AND size=? AND mtime_ns=? AND ctime_ns=? AND inode=?",
                (str(path), st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino),
            ).fetchone()
            if row:
                return row[0]
        digest = sha256_file(path)
        if conn is not None:
            conn.execute(
                "INSERT OR REPLACE INTO digests_v2 VALUES (?,?,?,?,?,?)",
                (str(path), st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, digest),
            )
        return digest

    def forget(self, folder: Path) -> None:
        """Drop the digests of every file under ``folder`` (an artifact quarantined or repaired)."""
        conn = self._conn()
        if conn is not None:
            prefix = str(Path(folder).resolve()) + "/"
            conn.execute("DELETE FROM digests_v2 WHERE substr(path, 1, ?) = ?", (len(prefix), prefix))

    def linked(self, src: Path, dst: Path, before) -> None:
        """``dst`` was just made a hard link of ``src``, whose stat was ``before``: linking moved the
        inode's ctime, not its bytes, so its known digest holds for every path of it at the new ctime."""
        conn = self._conn()
        if conn is None:
            return
        src, dst = Path(src).resolve(), Path(dst).resolve()
        after = dst.stat()
        if (after.st_ino, after.st_size, after.st_mtime_ns) != (before.st_ino, before.st_size, before.st_mtime_ns):
            return  # not the same file as before (changed meanwhile): hashed when next asked
        row = conn.execute(
            "SELECT digest FROM digests_v2 WHERE path=? AND size=? AND mtime_ns=? AND ctime_ns=? AND inode=?",
            (str(src), before.st_size, before.st_mtime_ns, before.st_ctime_ns, before.st_ino),
        ).fetchone()
        conn.execute("UPDATE digests_v2 SET ctime_ns=? WHERE inode=? AND size=? AND mtime_ns=? AND ctime_ns=?",
                     (after.st_ctime_ns, before.st_ino, before.st_size, before.st_mtime_ns, before.st_ctime_ns))
        if row:
            conn.execute("INSERT OR REPLACE INTO digests_v2 VALUES (?,?,?,?,?,?)",
                         (str(dst), after.st_size, after.st_mtime_ns, after.st_ctime_ns, after.st_ino, row[0]))

    def moved(self, old: Path, new: Path) -> None:
        """The folder ``old`` was renamed to ``new``: its files kept their inodes and stat, so their
        digests move with them."""
        conn = self._conn()
        if conn is not None:
            prefix, to = str(Path(old).resolve()) + "/", str(Path(new).resolve()) + "/"
            conn.execute("UPDATE OR REPLACE digests_v2 SET path = ? || substr(path, ?) WHERE substr(path, 1, ?) = ?",
                         (to, len(prefix) + 1, len(prefix), prefix))

