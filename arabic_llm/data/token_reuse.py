"""Token ids of unchanged documents, read back from an earlier ``shards.h5`` (the shards stage)."""

from __future__ import annotations

from array import array

from arabic_llm.cache.keys import record_keys
from arabic_llm.cache.records import RecordWriter, ReuseJob, earlier_outputs, release
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
        self.placed_keys = bytearray()
        self.groups: dict[tuple[str, str, str], int] = {}
        self.placed_group, self.placed_offset, self.placed_length = array("i"), array("q"), array("q")

    def lookup(self, table) -> tuple[list[bytes], dict[bytes, tuple]]:
        """Record keys of a table of document rows (a content hash, no decoding) and those known."""
        keys = record_keys(self.job.recipe, row_identities(table))
        return keys, self.earlier.find(keys)

    def stream(self, entry: tuple, size: int):
        """``size`` tokens of the earlier file's stream from where ``entry``'s document starts: that
        document and those after it in its group, each followed by its EOS."""
        artifact, split, start, _, _ = entry
        if artifact not in self.readers:
            path = self.earlier.store.artifact_path(self.job.stage, artifact) / "data" / self.shards_file
            self.readers[artifact] = self.reader_class(path)
        return self.readers[artifact].read(split, start, size)

    def place(self, keys: list[bytes], group: tuple[str, str, str], offsets, lengths) -> None:
        """Where documents' tokens go: their group, offsets in its stream and lengths."""
        self.placed_keys += b"".join(keys)
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
                            np.frombuffer(self.placed_length, dtype=np.int64), ["{}"] * len(group))
        records.write()
        release(self.job)
