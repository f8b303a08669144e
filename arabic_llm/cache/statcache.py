"""Digests of files keyed by their stat, as DVC's state database: an unchanged file is hashed once."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

from arabic_llm.cache.keys import sha256_file


class StatCache:
    """Digests of files keyed by (path, size, mtime, inode), as DVC's state database.

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
                "CREATE TABLE IF NOT EXISTS digests (path TEXT PRIMARY KEY, size INTEGER, "
                "mtime_ns INTEGER, inode INTEGER, digest TEXT)"
            )
            self._local.conn = conn
        return conn

    def digest(self, path: Path) -> str:
        path = Path(path).resolve()
        st = path.stat()
        conn = self._conn()
        if conn is not None:
            row = conn.execute(
                "SELECT digest FROM digests WHERE path=? AND size=? AND mtime_ns=? AND inode=?",
                (str(path), st.st_size, st.st_mtime_ns, st.st_ino),
            ).fetchone()
            if row:
                return row[0]
        digest = sha256_file(path)
        if conn is not None:
            conn.execute(
                "INSERT OR REPLACE INTO digests VALUES (?,?,?,?,?)",
                (str(path), st.st_size, st.st_mtime_ns, st.st_ino, digest),
            )
        return digest
