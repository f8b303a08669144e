"""A remote store shared by several machines (``s3://bucket/prefix``, ``gs://...``, any fsspec URL).

It holds the local store's layout, ``artifacts/<stage>/<key>/data/...`` and ``manifest.json``, with
the same keys and digests; each machine keeps a local store in front of it as a cache, as DVC
remotes do. Object stores have no atomic rename, so completeness is decided by the manifest:
it is uploaded last, after every data file, and the local store takes a download only when every
file matches the manifest's sizes and digests (:meth:`arabic_llm.cache.store.Store.fetch`). A
half-uploaded artifact has no manifest, or files that do not match it, and is never taken as complete.

Credentials and endpoints come from the environment as the file system's library reads them
(``AWS_ACCESS_KEY_ID``, ``AWS_ENDPOINT_URL``, ``GOOGLE_APPLICATION_CREDENTIALS``...), never from
the URL, so none is written into the store.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit


class RemoteStoreError(RuntimeError):
    pass


def is_remote_url(location: str) -> bool:
    return "://" in str(location)


def safe_relative(rel: str, where: str) -> str:
    """A relative POSIX path that stays under its root; anything else is refused."""
    path = PurePosixPath(rel)
    if not rel or path.is_absolute() or ".." in path.parts or "\\" in rel:
        raise RemoteStoreError(f"{where}: path {rel!r} escapes the store root; refused")
    return path.as_posix()


class RemoteStore:
    """Artifacts under an fsspec URL: download with verification, upload with the manifest last."""

    def __init__(self, url: str):
        import fsspec

        parts = urlsplit(url)
        if parts.password or (parts.username and parts.scheme not in ("file", "local")):
            raise RemoteStoreError(f"store URL {parts.scheme}://{parts.hostname}{parts.path}: credentials do not go "
                                   "in the URL (they would be written to the cache's remote.json); set them in the "
                                   "environment")
        self.url = url.rstrip("/")
        self.fs, self.root = fsspec.core.url_to_fs(self.url)
        self.root = self.root.rstrip("/")

    def _artifact(self, stage: str, key: str) -> str:
        return f"{self.root}/artifacts/{safe_relative(stage, 'stage')}/{safe_relative(key, 'key')}"

    def manifest(self, stage: str, key: str) -> dict | None:
        path = f"{self._artifact(stage, key)}/manifest.json"
        self.fs.invalidate_cache(path.rsplit("/", 1)[0])  # another machine may have uploaded it just now
        try:
            return json.loads(self.fs.cat_file(path))
        except FileNotFoundError:
            return None
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise RemoteStoreError(f"{self.url}: manifest of {stage}/{key} is not JSON") from None

    def download(self, stage: str, key: str, staged: Path) -> dict | None:
        """Copy the artifact's manifest and the files it lists into ``staged`` (the caller checks them).

        Returns:
            The manifest, or ``None`` when the remote has no manifest (nothing, or an unfinished upload).
        Raises:
            RemoteStoreError: the manifest names a file that is missing or a path outside the artifact.
        """
        manifest = self.manifest(stage, key)
        if manifest is None:
            return None
        if manifest.get("key") != key or manifest.get("stage") != stage:
            raise RemoteStoreError(f"{self.url}: manifest of {stage}/{key} names another artifact")
        base = self._artifact(stage, key)
        for entry in manifest["files"]:
            rel = safe_relative(entry["path"], f"{self.url} {stage}/{key} manifest")
            local = staged / "data" / rel
            local.parent.mkdir(parents=True, exist_ok=True)
            try:
                self.fs.get_file(f"{base}/data/{rel}", str(local))
            except FileNotFoundError:
                raise RemoteStoreError(f"{self.url}: {stage}/{key} file {rel} missing (upload incomplete)") from None
        (staged / "manifest.json").write_bytes(json.dumps(manifest, indent=2, sort_keys=True,
                                                          ensure_ascii=False).encode() + b"\n")
        return manifest

    def upload(self, stage: str, key: str, local_artifact: Path, replace: bool = False) -> bool:
        """Upload a complete local artifact, the manifest last; ``False`` if the remote had it."""
        if not replace and self.manifest(stage, key) is not None:
            return False
        base = self._artifact(stage, key)
        manifest_bytes = (local_artifact / "manifest.json").read_bytes()
        if replace and self.fs.exists(f"{base}/manifest.json"):
            self.fs.rm_file(f"{base}/manifest.json")  # no reader pairs the old manifest with new files
        for entry in json.loads(manifest_bytes)["files"]:
            rel = safe_relative(entry["path"], f"{local_artifact} manifest")
            self.fs.put_file(str(local_artifact / "data" / rel), f"{base}/data/{rel}")
        # Written under a temporary name, then moved: one object appears whole, on any file system.
        tmp = f"{base}/manifest.json.tmp-{uuid.uuid4().hex}"
        self.fs.pipe_file(tmp, manifest_bytes)
        self.fs.mv(tmp, f"{base}/manifest.json")
        return True

