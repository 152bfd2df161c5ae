"""Output folders that are complete or absent, apart from the inputs.

:func:`output_folder` stages a plan, sweep or report folder in a fresh folder beside
``--out`` (same file system), lists its files in manifest.json
(:mod:`logistics.io.manifest`) and then puts it in place, so that at every instant
``--out`` is the previous complete folder or the new complete one (a crash at the
wrong moment on a file system without an atomic exchange may leave it absent, with
the previous folder kept beside it and put back by the next run). A run over an
existing output folder replaces it whole. It refuses an ``--out`` that holds, or
would replace, an input, and a folder that is not an output folder of logistics.

Two runs into the same ``--out`` do not interleave: the second waits (with a logged
warning) for the first to put its folder in place, then replaces it. The lock is an
``fcntl.flock`` on ``.<name>.lock`` beside the folder, which the kernel releases when
a process dies, so a crash never leaves a stale lock (on systems without ``fcntl``
there is no lock).
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import logging
import os
import re
import secrets
import shutil
from collections.abc import Iterable, Iterator
from pathlib import Path

from logistics.errors import InputError, Issue
from logistics.io.manifest import (
    MANIFEST_FILE,
    manifest_sha256,
    read_manifest,
    verify_folder,
    write_manifest,
)

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

__all__ = ["check_out", "output_folder", "updated_folder", "verify_folder", "write_manifest"]

log = logging.getLogger("logistics")

PathLike = str | os.PathLike[str]


def _issue(expected: str, out_dir: PathLike) -> Issue:
    return Issue("--out", None, None, expected, str(out_dir))


def _input_issues(
    target: Path, out_dir: PathLike, inputs: Iterable[PathLike | None]
) -> list[Issue]:
    """Why ``target`` (the resolved ``out_dir``) would hold or replace an input."""
    found: dict[str, Issue] = {}
    whole = "writing replaces the --out folder whole"
    for item in inputs:
        if item is None or str(item) == "":
            continue
        given = Path(item)
        if not given.exists():  # a stream, a DataFrame, or nothing read from disk
            continue
        src = given.resolve()
        if src.is_dir():
            if src == target:
                why = f"a folder other than the input folder {given}"
            elif target in src.parents:
                why = f"a folder that does not hold the input folder {given} ({whole})"
            elif src in target.parents:
                why = f"a folder outside the input folder {given} (outputs never sit among inputs)"
            else:
                continue
        elif src.parent == target or target in src.parents:
            why = f"a folder apart from the inputs (the input {given} is in it; {whole})"
        else:
            continue
        found.setdefault(why, _issue(why, out_dir))
    return list(found.values())


def _existing_issue(target: Path, out_dir: PathLike) -> Issue | None:
    """An existing ``--out`` that is not a folder logistics may replace."""
    if not target.exists():
        return None
    if not target.is_dir():
        return _issue("a folder to write, not an existing file", out_dir)
    if (target / MANIFEST_FILE).is_file():
        return None
    entries = sorted(os.listdir(target))
    if not entries:
        return None
    shown = ", ".join(entries[:3]) + (", ..." if len(entries) > 3 else "")
    return _issue(
        "a new or empty folder, or an output folder of logistics (with manifest.json) to "
        f"replace whole; this folder holds other files ({shown}): choose another --out",
        out_dir,
    )


def check_out(out_dir: PathLike, inputs: Iterable[PathLike | None] = ()) -> Path:
    """Refuse ``out_dir`` before any work is done when it would hold or replace one of
    ``inputs`` (files or folders read by the run; missing paths are skipped), lies
    inside an input folder, or is an existing file or folder logistics did not write.

    Returns the resolved folder. Raises InputError (one issue per reason, each naming
    the input and the ``--out``).
    """
    target = Path(out_dir).resolve()
    if target.name == "" or target == target.parent:
        raise InputError([_issue("a folder with a name (not the root)", out_dir)])
    issues = _input_issues(target, out_dir, inputs)
    here = Path.cwd().resolve()
    if target == here or target in here.parents:
        issues.append(_issue("a folder other than the working folder or one holding it", out_dir))
    existing = None if issues else _existing_issue(target, out_dir)
    if existing is not None:
        issues.append(existing)
    if issues:
        raise InputError(issues)
    return target


@contextlib.contextmanager
def output_folder(out_dir: PathLike, *, inputs: Iterable[PathLike | None] = ()) -> Iterator[Path]:
    """Stage an output folder: yield a fresh empty folder beside ``out_dir`` to write
    into; on success write its manifest.json and put it in place of ``out_dir``.

    ``out_dir`` is refused as :func:`check_out` says (InputError, nothing written).
    On an exception inside the block the staged folder is removed and ``out_dir``
    left as it was. Leftovers of a run that crashed are cleaned up (or the previous
    folder put back) first. The parents of ``out_dir`` are created when needed.
    """
    target = check_out(out_dir, inputs)
    target.parent.mkdir(parents=True, exist_ok=True)
    with _locked(target):
        _recover(target)
        existing = _existing_issue(target, out_dir)
        if existing is not None:  # created meanwhile by someone else
            raise InputError([existing])
        staging = _fresh(target, "new")
        try:
            yield staging
            write_manifest(staging)
            _sync_tree(staging)
            _put_in_place(staging, target)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise


@contextlib.contextmanager
def updated_folder(
    folder: PathLike,
    *,
    drop: Iterable[str] = (),
    inputs: Iterable[PathLike | None] = (),
    manifest: str | None = None,
) -> Iterator[Path]:
    """Replace the output folder ``folder`` by an updated copy: yield a staged folder
    holding the files of ``folder`` (all but the relative paths in ``drop``) to add to
    or rewrite, then put it in place with a fresh manifest (:func:`output_folder`).

    Under the lock ``folder`` must match its manifest and, when ``manifest`` (the
    SHA-256 of the manifest.json it was read with, :func:`~logistics.io.manifest.
    manifest_sha256`) is given, still be that folder; else InputError, and the folder
    is left as it was. ``inputs`` as for :func:`output_folder`.
    """
    source = Path(folder)
    dropped = set(drop)
    with output_folder(source, inputs=inputs) as staging:
        verify_folder(source)  # under the lock: what is copied is what was listed
        if manifest is not None and manifest_sha256(source) != manifest:
            raise InputError(
                [
                    Issue(
                        str(source / MANIFEST_FILE),
                        None,
                        None,
                        "the folder as it was read",
                        "a folder another run wrote meanwhile (run again)",
                    )
                ]
            )
        listed = read_manifest(source)
        for rel in (e.path for e in listed.files if e.path not in dropped):
            (staging / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source / rel, staging / rel)
        for rel in listed.folders:
            if rel not in dropped:
                shutil.copytree(source / rel, staging / rel)
        yield staging


def _leftover(target: Path) -> re.Pattern[str]:
    return re.compile(re.escape(f".{target.name}.") + r"(new|old)-[0-9a-f]{16}")


def _fresh(target: Path, kind: str) -> Path:
    """A new empty folder ``.<name>.<kind>-<random>`` beside ``target``."""
    while True:
        path = target.parent / f".{target.name}.{kind}-{secrets.token_hex(8)}"
        try:
            path.mkdir()
        except FileExistsError:  # pragma: no cover - 64 random bits
            continue
        return path


def _recover(target: Path) -> None:
    """Clean up after a run into ``target`` that crashed (the lock is held): when the
    folder is absent but the previous one was moved aside, put it back; remove
    staged and moved-aside folders."""
    pattern = _leftover(target)
    kinds = {p: m.group(1) for p in target.parent.iterdir() if (m := pattern.fullmatch(p.name))}
    found = list(kinds)
    olds = [p for p in found if kinds[p] == "old"]
    if not target.exists() and olds:
        newest = max(olds, key=lambda p: p.stat().st_mtime)
        os.rename(newest, target)
        log.warning("put back %s: a run writing it was interrupted", target)
        found.remove(newest)
    for path in found:
        shutil.rmtree(path, ignore_errors=True)


def _sync_tree(folder: Path) -> None:
    """Flush the staged files and folders to disk (a power cut after the rename
    must not leave empty files behind a manifest)."""
    for here, _dirs, files in os.walk(folder):
        for name in files:
            fd = os.open(os.path.join(here, name), os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        _sync_dir(Path(here))


def _sync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):  # not every platform can open a folder
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _put_in_place(staging: Path, target: Path) -> None:
    """Make ``staging`` the folder ``target``: swap them atomically where the system
    can, else move the old one aside, move the new one in and delete the old one."""
    if not target.exists():
        os.rename(staging, target)
        _sync_dir(target.parent)
        return
    if _exchange(staging, target):
        old = staging  # now holds the previous folder
    else:
        old = target.parent / f".{target.name}.old-{secrets.token_hex(8)}"
        os.rename(target, old)
        os.rename(staging, target)
    _sync_dir(target.parent)
    shutil.rmtree(old, ignore_errors=True)


def _renameat2() -> object | None:
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError, TypeError):
        return None
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    fn.restype = ctypes.c_int
    return fn


_RENAMEAT2 = _renameat2()
_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux renameat2); False when the system or file
    system cannot."""
    if _RENAMEAT2 is None:
        return False
    rc = _RENAMEAT2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)  # type: ignore[operator]
    if rc == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EPERM):
        return False
    raise OSError(code, os.strerror(code), str(b))


@contextlib.contextmanager
def _locked(target: Path) -> Iterator[None]:
    """Hold an exclusive lock on writing ``target``: ``.<name>.lock`` beside it,
    removed on release (a waiter that then holds a removed file takes the new one)."""
    if fcntl is None:  # pragma: no cover - Windows
        yield
        return
    path = target.parent / f".{target.name}.lock"
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                log.warning("another run is writing %s: waiting for it to finish", target)
                fcntl.flock(fd, fcntl.LOCK_EX)
            mine = os.fstat(fd)
            try:
                now = os.stat(path)
            except FileNotFoundError:
                now = None
        except BaseException:
            os.close(fd)
            raise
        if now is not None and (now.st_ino, now.st_dev) == (mine.st_ino, mine.st_dev):
            break
        os.close(fd)  # the holder removed the file when done: lock the current one
    try:
        yield
    finally:
        with contextlib.suppress(OSError):
            path.unlink()
        os.close(fd)
