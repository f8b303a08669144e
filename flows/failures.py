"""Expected failures, in one place: which errors a user can act on, what to tell them, and the exit status.

A bad config or bad input is the user's to fix (exit status 2); a full disk, a model or dataset that cannot
be reached, a memory cap or an audit threshold is not a bug either (exit status 1). These are said in one
line, without a traceback (``run --debug`` shows it); anything else is a bug and keeps its traceback.
The lower layers raise their own errors (ConfigError, CorpusError, StoreError, ...); this module only
recognises them, so they need no common base class.
"""

from __future__ import annotations

import errno
from dataclasses import dataclass
from typing import Iterator

USER_MISTAKE = 2  # the config or the input: fix it and rerun
OTHER_FAILURE = 1

DISK_FULL_ERRNOS = (errno.ENOSPC, errno.EDQUOT)
DISK_FULL_TEXT = ("no space left on device", "disk quota exceeded", "not enough space on the disk")

# Library errors for a model or dataset that does not exist (a wrong id: the user's to fix) or cannot be
# reached (offline without a local copy), matched by class name so that nothing here imports them.
MISSING_FROM_CONFIG = {"RepositoryNotFoundError", "RevisionNotFoundError", "GatedRepoError", "DatasetNotFoundError",
                       "DataFilesNotFoundError", "EntryNotFoundError"}
UNREACHABLE = {"LocalEntryNotFoundError", "OfflineModeIsEnabled"}


@dataclass(frozen=True)
class Failure:
    """What to print (one line) and the exit status."""

    message: str
    exit_code: int


def causes(exc: BaseException) -> Iterator[BaseException]:
    """The exception, then what it was raised from or during, depth first, each once."""
    seen: set[int] = set()
    todo = [exc]
    while todo:
        current = todo.pop(0)
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        todo += [current.__cause__, current.__context__]


def is_disk_full(exc: BaseException) -> bool:
    """A full disk, whichever library raised it: an OSError with ENOSPC/EDQUOT anywhere in the chain, or a
    wrapper (safetensors' SafetensorError, pyarrow's ArrowIOError, h5py's) whose message says so."""
    for error in causes(exc):
        if isinstance(error, OSError) and error.errno in DISK_FULL_ERRNOS:
            return True
        if any(text in str(error).lower() for text in DISK_FULL_TEXT):
            return True
    return False


def _names(exc: BaseException) -> set[str]:
    return {cls.__name__ for cls in type(exc).__mro__}


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def expected_failure(exc: BaseException) -> Failure | None:
    """The one-line message and exit status of an expected failure; None for a bug (keep its traceback)."""
    from arabic_llm.cache.fingerprint import FingerprintError
    from arabic_llm.cache.remote import RemoteStoreError
    from arabic_llm.cache.store import StoreError
    from arabic_llm.config import ConfigError
    from arabic_llm.data.documents import CorpusError

    if is_disk_full(exc):
        text = next((str(e) for e in causes(exc) if isinstance(e, StoreError) and "disk full" in str(e)), None)
        return Failure(_one_line(text or f"disk full ({type(exc).__name__}: {exc}); nothing half-written was kept "
                                         "and earlier artifacts are intact: free space and rerun"), OTHER_FAILURE)
    for error in causes(exc):
        names = _names(error)
        if isinstance(error, ConfigError):
            return Failure(_one_line(f"invalid configuration: {error}"), USER_MISTAKE)
        if isinstance(error, CorpusError):
            return Failure(_one_line(f"bad input: {error}"), USER_MISTAKE)
        if names & UNREACHABLE:  # (a subclass of EntryNotFoundError: test it first)
            return Failure(_one_line(f"a model or dataset the config names (model.name_or_path, tokenizer.name_or_path, "
                                     f"download.*) is not on this machine and the hub cannot be reached: {exc} "
                                     "Fix: go online once, or give a local directory"), OTHER_FAILURE)
        if names & MISSING_FROM_CONFIG:
            return Failure(_one_line(f"not found: {error} (check model.name_or_path, tokenizer.name_or_path and "
                                     "the download.* dataset ids)"), USER_MISTAKE)
        if isinstance(error, (StoreError, RemoteStoreError, FingerprintError)):
            return Failure(_one_line(str(error)), OTHER_FAILURE)
        if names & {"MemoryCapError", "BiasThresholdError"}:  # the stage says what it tried and what to change
            return Failure(_one_line(str(error)), OTHER_FAILURE)
    return None
