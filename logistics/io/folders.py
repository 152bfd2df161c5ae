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
warning) for the first to put its folder in place, then replaces it (the lock, the
staging and the swap are in :mod:`logistics.io.staging`).
"""

from __future__ import annotations

import contextlib
import logging
import os
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
from logistics.io.staging import fresh, locked, put_in_place, recover, sync_tree

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
    try:
        here: Path | None = Path.cwd().resolve()
    except OSError:  # the working folder was removed
        here = None
    if here is not None and (target == here or target in here.parents):
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
    with locked(target):
        recover(target)
        existing = _existing_issue(target, out_dir)
        if existing is not None:  # created meanwhile by someone else
            raise InputError([existing])
        staging = fresh(target, "new")
        try:
            yield staging
            write_manifest(staging)
            sync_tree(staging)
            put_in_place(staging, target)
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
