"""Staging beside a folder, an exclusive lock on writing it, and the swap that puts a
staged folder in its place (see :mod:`logistics.io.folders`).

Entries beside the folder ``<name>``: ``.<name>.new-<random>`` (a staged folder, or
after the swap the previous one being deleted), ``.<name>.old-<random>`` (the previous
folder moved aside where no atomic exchange exists) and ``.<name>.lock``. The lock is
an ``fcntl.flock``, which the kernel releases when a process dies, so a crash never
leaves a stale lock (on systems without ``fcntl`` there is no lock).
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
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import cast

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

__all__ = ["fresh", "locked", "put_in_place", "recover", "sync_tree"]

log = logging.getLogger("logistics")


def _leftover(target: Path) -> re.Pattern[str]:
    return re.compile(re.escape(f".{target.name}.") + r"(new|old)-[0-9a-f]{16}")


def fresh(target: Path, kind: str) -> Path:
    """A new empty folder ``.<name>.<kind>-<random>`` beside ``target``."""
    while True:
        path = target.parent / f".{target.name}.{kind}-{secrets.token_hex(8)}"
        try:
            path.mkdir()
        except FileExistsError:  # pragma: no cover - 64 random bits
            continue
        return path


def recover(target: Path) -> None:
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


def sync_tree(folder: Path) -> None:
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


def put_in_place(staging: Path, target: Path) -> None:
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


def _renameat2() -> Callable[..., int] | None:
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError, TypeError):
        return None
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    fn.restype = ctypes.c_int
    return cast("Callable[..., int]", fn)


_RENAMEAT2 = _renameat2()
_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux renameat2); False when the system or file
    system cannot."""
    if _RENAMEAT2 is None:
        return False
    rc = _RENAMEAT2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    if rc == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EPERM):
        return False
    raise OSError(code, os.strerror(code), str(b))


@contextlib.contextmanager
def locked(target: Path) -> Iterator[None]:
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
