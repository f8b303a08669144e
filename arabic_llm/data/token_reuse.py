"""Token ids of unchanged documents, read back from an earlier ``shards.h5`` (the shards stage)."""

from __future__ import annotations

from array import array

from arabic_llm.cache.keys import record_keys
from arabic_llm.cache.records import (
    RecordWriter,
    ReuseJob,
    earlier_outputs,
    release,
    tokens_digest,
)
from arabic_llm.data.mapping import row_identities
from arabic_llm.data.shards import TokenReader


class TokenReuse:
    """Token ids of documents whose text and tokenizer (the shards recipe) are unchanged, read back
    from an earlier ``shards.h5`` instead of tokenising again."""

    def __init__(self, job: ReuseJob, shards_file: str):
        self.job, self.shards_file, self.reader_class = job, shards_file, TokenReader
        self.earlier = earlier_outputs(job)
        self.readers: dict[str, object] = {}
        # Where each document's tokens go, compactly: key, (split, dialect, source) group, offset, length.
        self.placed_keys, self.placed_digests = bytearray(), bytearray()
        self.groups: dict[tuple[str, str, str], int] = {}
        self.placed_group, self.placed_offset, self.placed_length = array("i"), array("q"), array("q")

    def lookup(self, table) -> tuple[list[bytes], dict[bytes, tuple]]:
        """Record keys of a table of document rows (a content hash, no decoding) and those known, each
        checked against the tokens its entry points at (a table that fails is discarded, and its
        documents looked up again: in an older table, or tokenised)."""
        keys = record_keys(self.job.recipe, row_identities(table))
        while True:
            known = self.earlier.find(keys)
            if self._proved(known):
                return keys, known

    def _proved(self, known: dict[bytes, tuple]) -> bool:
        """Read each table's entries in runs of consecutive documents and compare their digests."""
        tables = [artifact for artifact, _ in self.earlier.tables]
        by_table: dict[int, list[bytes]] = {}
        for key, entry in known.items():
            by_table.setdefault(tables.index(entry[0]), []).append(key)
        for t, keys in by_table.items():
            keys.sort(key=lambda k: known[k][1:3])  # by split, then place in its stream
            got = bytearray()
            try:
                run: list[tuple] = []
                for key in keys + [None]:
                    entry = known[key] if key is not None else None
                    if run and (entry is None or entry[1] != run[-1][1] or entry[2] != run[-1][2] + run[-1][3] + 1):
                        size = run[-1][2] + run[-1][3] - run[0][2]
                        stream = self.stream(run[0], size) if size else []
                        got += b"".join(tokens_digest(stream[e[2] - run[0][2] : e[2] - run[0][2] + e[3]]) for e in run)
                        run = []
                    if entry is not None:
                        run.append(entry)
            except (KeyError, ValueError, IndexError, OSError) as exc:
                self.earlier.discard(t, f"an entry points outside the earlier {self.shards_file} ({exc})")
                return False
            if not self.earlier.check_keys(t, b"".join(keys), bytes(got)):
                return False
        return True

    def stream(self, entry: tuple, size: int):
        """``size`` tokens of the earlier file's stream from where ``entry``'s document starts: that
        document and those after it in its group, each followed by its EOS."""
        artifact, split, start, _, _, _ = entry
        if artifact not in self.readers:
            path = self.earlier.store.artifact_path(self.job.stage, artifact) / "data" / self.shards_file
            self.readers[artifact] = self.reader_class(path)
        return self.readers[artifact].read(split, start, size)

    def place(self, keys: list[bytes], group: tuple[str, str, str], offsets, lengths, digests: list[bytes]) -> None:
        """Where documents' tokens go: their group, offsets in its stream, lengths and digests."""
        self.placed_keys += b"".join(keys)
        self.placed_digests += b"".join(digests)
        self.placed_group.extend(array("i", [self.groups.setdefault(group, len(self.groups))]) * len(keys))
        self.placed_offset.extend(offsets)
        self.placed_length.extend(lengths)

    def commit(self, writer) -> None:
        """After ``writer.close()``: record where every document's tokens now lie."""
        import numpy as np

        for reader in self.readers.values():
            reader.close()
        groups = list(self.groups)
        first = np.array([writer.position(*group, 0) for group in groups] or [0], dtype=np.int64)
        group = np.frombuffer(self.placed_group, dtype=np.int32)
        records = RecordWriter(self.job)
        records.add_columns(bytes(self.placed_keys), [groups[i][0] for i in group.tolist()],  # the split
                            first[group] + np.frombuffer(self.placed_offset, dtype=np.int64),
                            np.frombuffer(self.placed_length, dtype=np.int64), ["{}"] * len(group),
                            bytes(self.placed_digests))
        records.write()
        release(self.job)
