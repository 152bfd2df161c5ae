"""manifest.json: the list of an output folder's files with their sizes and SHA-256.

Every plan, sweep and report folder carries one (written by
:func:`logistics.io.folders.output_folder`), so a reader can tell a complete folder
from a truncated, edited or mixed one. A subfolder with its own manifest (a sweep's
``plans/<scenario>/``) is listed under ``folders`` and checked against its own
manifest, so it can be replaced (re-simulated) without touching the outer one.

Names starting with ``.`` or ``~$`` and ``Thumbs.db`` / ``desktop.ini`` (what
editors, file browsers and this package's own lock and staging entries leave beside
files) are neither listed nor refused.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from logistics.errors import InputError, Issue

__all__ = [
    "MANIFEST_FILE",
    "MANIFEST_FORMAT",
    "MANIFEST_VERSION",
    "Entry",
    "Manifest",
    "ignored",
    "manifest_sha256",
    "read_manifest",
    "verify_folder",
    "write_manifest",
]

MANIFEST_FILE = "manifest.json"
MANIFEST_FORMAT = "atmp-logistics output folder"
MANIFEST_VERSION = 1

_JUNK = frozenset({"thumbs.db", "desktop.ini"})
_CHUNK = 1 << 20


def ignored(name: str) -> bool:
    """True for a name the manifest neither lists nor refuses (hidden files, editor
    lock files, this package's lock and staging entries)."""
    return name.startswith((".", "~$")) or name.lower() in _JUNK


@dataclass(frozen=True, slots=True, kw_only=True)
class Entry:
    """One listed file: its path relative to the folder (``/``-separated), size in
    bytes and SHA-256 (hex)."""

    path: str
    size: int
    sha256: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Manifest:
    """A folder's files and the subfolders that carry their own manifest."""

    files: tuple[Entry, ...]
    folders: tuple[str, ...] = ()

    def to_json(self) -> str:
        data = {
            "format": MANIFEST_FORMAT,
            "version": MANIFEST_VERSION,
            "files": [{"path": e.path, "size": e.size, "sha256": e.sha256} for e in self.files],
            "folders": list(self.folders),
        }
        return json.dumps(data, indent=2) + "\n"


def _digest(path: Path) -> tuple[int, str]:
    h = hashlib.sha256()
    size = 0
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            size += len(chunk)
            h.update(chunk)
    return size, h.hexdigest()


def _walk(folder: Path, listed: tuple[str, ...] = ()) -> tuple[list[str], list[str]]:
    """(files, nested output folders) under ``folder`` as relative POSIX paths,
    sorted; ignored names and the folder's own manifest are left out. A nested
    output folder holds a manifest.json or is one of ``listed``."""
    files: list[str] = []
    nested: list[str] = []

    def visit(here: Path, prefix: str) -> None:
        for entry in sorted(os.scandir(here), key=lambda e: e.name):
            if ignored(entry.name):
                continue
            rel = f"{prefix}{entry.name}"
            if entry.is_dir():
                if rel in listed or (Path(entry.path) / MANIFEST_FILE).is_file():
                    nested.append(rel)
                else:
                    visit(Path(entry.path), f"{rel}/")
            elif rel != MANIFEST_FILE:
                files.append(rel)

    visit(folder, "")
    return files, nested


def write_manifest(folder: str | Path) -> Path:
    """List every file under ``folder`` in its ``manifest.json`` (replacing one
    there) and return the manifest's path. Subfolders holding a manifest.json are
    listed as folders, their files left to their own manifest."""
    root = Path(folder)
    files, nested = _walk(root)
    entries = []
    for rel in files:
        size, sha = _digest(root / rel)
        entries.append(Entry(path=rel, size=size, sha256=sha))
    path = root / MANIFEST_FILE
    path.write_text(
        Manifest(files=tuple(entries), folders=tuple(nested)).to_json(), encoding="utf-8"
    )
    return path


def manifest_sha256(folder: str | Path) -> str | None:
    """SHA-256 of the folder's manifest.json (None without one): a cheap identity of
    a complete folder, to notice that another run replaced it."""
    path = Path(folder) / MANIFEST_FILE
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def _safe(rel: Any) -> bool:
    """A relative path that stays inside the folder."""
    if not isinstance(rel, str) or not rel or "\\" in rel:
        return False
    parts = PurePosixPath(rel).parts
    return not PurePosixPath(rel).is_absolute() and ".." not in parts and "." not in parts


def read_manifest(folder: str | Path) -> Manifest:
    """The folder's manifest; raises InputError when it is missing or not a manifest
    this version writes."""
    path = Path(folder) / MANIFEST_FILE
    name = str(path)
    if not path.is_file():
        raise InputError(
            [
                Issue(
                    name,
                    None,
                    None,
                    "the manifest.json that logistics writes in every output folder "
                    "(a folder without one is incomplete or was not written by logistics)",
                    "no such file",
                )
            ]
        )
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise InputError([Issue(name, None, None, "UTF-8 JSON", "undecodable bytes")]) from None
    except json.JSONDecodeError as exc:
        raise InputError([Issue(name, exc.lineno, None, "a JSON object", exc.msg)]) from None
    except OSError as exc:
        got = exc.strerror or str(exc)
        raise InputError([Issue(name, None, None, "a readable file", got)]) from None
    if not isinstance(data, dict) or data.get("format") != MANIFEST_FORMAT:
        raise InputError([Issue(name, None, "format", repr(MANIFEST_FORMAT), _got(data))])
    if data.get("version") != MANIFEST_VERSION:
        got = str(data.get("version"))
        raise InputError([Issue(name, None, "version", f"version {MANIFEST_VERSION}", got)])
    files, folders = data.get("files"), data.get("folders", [])
    entries = []
    ok = isinstance(files, list) and isinstance(folders, list)
    for item in files if isinstance(files, list) else ():
        good = (
            isinstance(item, dict)
            and _safe(item.get("path"))
            and type(item.get("size")) is int
            and isinstance(item.get("sha256"), str)
        )
        if not good:
            ok = False
            break
        entries.append(Entry(path=item["path"], size=item["size"], sha256=item["sha256"]))
    if not ok or not all(_safe(f) for f in folders):
        raise InputError(
            [
                Issue(
                    name,
                    None,
                    "files",
                    "a list of {path, size, sha256} inside the folder, and a list of folders",
                    "something else",
                )
            ]
        )
    return Manifest(files=tuple(entries), folders=tuple(folders))


def _got(data: Any) -> str:
    if isinstance(data, dict):
        return str(data.get("format"))
    return type(data).__name__


def verify_folder(folder: str | Path) -> None:
    """Check that ``folder`` holds exactly the files its manifest.json lists, with the
    listed sizes and SHA-256, and that every listed subfolder verifies against its own.

    Raises InputError with one issue per file that is missing, differs, or is not
    listed (names that :func:`ignored` accepts aside), each naming the file.
    """
    root = Path(folder)
    if not root.is_dir():
        raise InputError([Issue(str(root), None, None, "an output folder", "no such folder")])
    manifest = read_manifest(root)
    issues: list[Issue] = []
    files, nested = _walk(root, manifest.folders)
    listed = {e.path for e in manifest.files}
    for entry in manifest.files:
        path = root / entry.path
        if not path.is_file():
            issues.append(Issue(str(path), None, None, "the file manifest.json lists", "none"))
            continue
        try:
            size, sha = _digest(path)
        except OSError as exc:
            issues.append(Issue(str(path), None, None, "a readable file", exc.strerror))
            continue
        if size != entry.size:
            issues.append(
                Issue(
                    str(path),
                    None,
                    None,
                    f"{entry.size} bytes as manifest.json lists (the file is truncated "
                    "or was changed after it was written)",
                    f"{size} bytes",
                )
            )
        elif sha != entry.sha256:
            issues.append(
                Issue(
                    str(path),
                    None,
                    None,
                    f"the content manifest.json lists (sha256 {entry.sha256[:16]}...; the "
                    "file was changed after it was written)",
                    f"sha256 {sha[:16]}...",
                )
            )
    for rel in files:
        if rel not in listed:
            issues.append(
                Issue(
                    str(root / rel),
                    None,
                    None,
                    "only the files manifest.json lists (write outputs with logistics, "
                    "or keep your own files elsewhere)",
                    "a file it does not list",
                )
            )
    for rel in sorted(set(nested) - set(manifest.folders)):
        issues.append(
            Issue(str(root / rel), None, None, "only the folders manifest.json lists", "another")
        )
    for rel in manifest.folders:
        try:
            verify_folder(root / rel)
        except InputError as exc:
            issues += exc.issues
    if issues:
        raise InputError(issues)
