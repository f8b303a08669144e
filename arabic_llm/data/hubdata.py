"""Bactrian-X and oasst1 through `datasets`: a hub id when online, a local mirror directory otherwise.

``hub:<id>[:<config>]`` streams the dataset from the Hugging Face hub; its key is the dataset's
revision (commit sha), asked once per run. A local directory (a hub mirror: Parquet, JSON or JSONL
files, as ``datasets`` reads them) is keyed by the content of its files. Rows are streamed, never
loaded whole.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

from arabic_llm.data.documents import CorpusError

HUB_PREFIX = "hub:"
HUB_CONFIGS = {"bactrian_x": "ar"}  # Bactrian-X ships one config per language


def is_dataset_locator(locator: str) -> bool:
    return locator.startswith(HUB_PREFIX) or Path(locator).expanduser().is_dir()


def split_hub_locator(locator: str, source: str) -> tuple[str, str | None]:
    """``hub:MBZUAI/Bactrian-X:ar`` -> ("MBZUAI/Bactrian-X", "ar")."""
    repo, _, config = locator.removeprefix(HUB_PREFIX).partition(":")
    if not repo:
        raise CorpusError(f"download.{source} {locator!r}: expected hub:<dataset id>[:<config>]")
    return repo, config or HUB_CONFIGS.get(source)


def hub_revision(locator: str, source: str) -> str:
    """The commit the hub serves for the dataset now: what the download key depends on."""
    repo, _ = split_hub_locator(locator, source)
    try:
        from huggingface_hub import HfApi

        return HfApi().dataset_info(repo).sha
    except Exception as exc:  # offline, unknown id, gated: say which and how to work offline
        raise CorpusError(f"download.{source}: cannot reach dataset {repo!r} on the hub ({type(exc).__name__}: "
                          f"{exc}); give a local mirror directory or JSONL file instead") from None


def dataset_rows(locator: str, source: str, revision: str | None = None) -> Iterator[dict]:
    """Every row of every split of a hub dataset or a local dataset directory, streamed in split order."""
    import datasets

    if locator.startswith(HUB_PREFIX):
        repo, config = split_hub_locator(locator, source)
        args, kwargs = (repo, config), {"revision": revision}
    else:
        folder = Path(locator).expanduser()
        args, kwargs = (str(folder),), {}
    try:
        splits = datasets.load_dataset(*args, streaming=True, **kwargs)
        for name in sorted(splits):  # oasst1: train and validation
            yield from splits[name]
    except CorpusError:
        raise
    except Exception as exc:  # datasets wraps parse errors of the files it reads
        raise CorpusError(f"download.{source}: cannot read dataset {locator!r} ({type(exc).__name__}: "
                          f"{str(exc)[:300]})") from None
