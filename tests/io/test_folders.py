"""Output folders: staged and put in place whole with a manifest, refused among the
inputs, one writer at a time, leftovers of a crash cleaned up; verify_folder names
every file that does not match the manifest."""

from __future__ import annotations

import hashlib
import json
import os
import threading
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from logistics.errors import InputError
from logistics.io import staging as staging_module
from logistics.io.folders import check_out, output_folder
from logistics.io.manifest import MANIFEST_FILE, read_manifest, verify_folder, write_manifest


def _files(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (relative POSIX path -> bytes)."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _write(folder: Path, files: dict[str, bytes]) -> None:
    for rel, data in files.items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_bytes(data)


def _messages(exc: pytest.ExceptionInfo[InputError]) -> list[str]:
    return [str(i) for i in exc.value.issues]


PLAN = {"orders.csv": b"order_id\nP-1\n", "legs.csv": b"order_id\n", "sub/notes.txt": b"x"}


def test_written_folder_lists_every_file(tmp_path: Path) -> None:
    """The staged folder sits beside --out while it is written; afterwards --out holds
    the files and a manifest.json giving each one's size and SHA-256 as computed from
    the bytes on disk, and nothing else is left beside it."""
    out = tmp_path / "runs" / "plan"
    with output_folder(out) as staging:
        assert staging.parent == out.parent and staging.name.startswith(".plan.new-")
        assert not out.exists()
        _write(staging, PLAN)
    assert _files(out) == {**PLAN, MANIFEST_FILE: (out / MANIFEST_FILE).read_bytes()}
    data = json.loads((out / MANIFEST_FILE).read_text(encoding="utf-8"))
    assert data["version"] == 1
    assert {e["path"]: (e["size"], e["sha256"]) for e in data["files"]} == {
        rel: (len(body), hashlib.sha256(body).hexdigest()) for rel, body in PLAN.items()
    }
    assert os.listdir(out.parent) == ["plan"]
    verify_folder(out)


def test_failing_writer_leaves_no_folder_and_keeps_the_previous(tmp_path: Path) -> None:
    """An exception while writing removes the staged folder: a new --out stays absent,
    an existing one keeps every byte of the previous complete folder."""
    out = tmp_path / "plan"
    with pytest.raises(RuntimeError), output_folder(out) as staging:
        _write(staging, PLAN)
        raise RuntimeError("writer failed")
    assert not out.exists() and os.listdir(tmp_path) == []

    with output_folder(out) as staging:
        _write(staging, PLAN)
    before = _files(out)
    with pytest.raises(RuntimeError), output_folder(out) as staging:
        _write(staging, {"orders.csv": b"half"})
        raise RuntimeError("writer failed")
    assert _files(out) == before
    assert os.listdir(tmp_path) == ["plan"]


@pytest.mark.parametrize("exchange", [True, False], ids=["exchange", "two-renames"])
def test_a_run_replaces_the_folder_whole(
    tmp_path: Path, exchange: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Writing over an earlier output folder replaces it whole: a file only the old
    one had is gone, with the atomic exchange and with the two-rename fallback."""
    if not exchange:
        monkeypatch.setattr(staging_module, "_exchange", lambda a, b: False)
    out = tmp_path / "plan"
    with output_folder(out) as staging:
        _write(staging, PLAN)
    with output_folder(out) as staging:
        _write(staging, {"orders.csv": b"order_id\n"})
    assert set(_files(out)) == {"orders.csv", MANIFEST_FILE}
    assert os.listdir(tmp_path) == ["plan"]
    verify_folder(out)


def test_refused_among_the_inputs(tmp_path: Path) -> None:
    """--out is refused, naming the input and the --out, when it is the folder of an
    input file, holds one deeper down, is an input folder or lies inside one; nothing
    is created and the inputs are untouched."""
    book = tmp_path / "work" / "orders.csv"
    bundle = tmp_path / "bundle"
    _write(tmp_path, {"work/orders.csv": b"order_id\n", "bundle/sites.csv": b"site_id\n"})
    before = _files(tmp_path)
    cases = [
        (tmp_path / "work", [book], "the input"),
        (tmp_path, [book], "the input"),
        (bundle, [bundle], "other than the input folder"),
        (bundle / "plans", [bundle], "outside the input folder"),
    ]
    for out, inputs, words in cases:
        with pytest.raises(InputError) as exc, output_folder(out, inputs=inputs):
            pytest.fail("not refused")
        (message,) = [m for m in _messages(exc) if words in m]
        assert message.startswith("--out:-:-: expected ") and str(out) in message
        assert str(inputs[0]) in message
    assert _files(tmp_path) == before
    check_out(tmp_path / "elsewhere", [book, bundle, None, "<stream>"])  # apart: fine


def test_refused_over_a_folder_logistics_did_not_write(tmp_path: Path) -> None:
    """An existing file, or a non-empty folder without manifest.json, is never replaced
    (it is not an earlier output folder); an empty folder is."""
    _write(tmp_path, {"mine/thesis.tex": b"x", "note.txt": b"y"})
    for out, words in ((tmp_path / "mine", "thesis.tex"), (tmp_path / "note.txt", "not an")):
        with pytest.raises(InputError) as exc:
            check_out(out)
        assert words in _messages(exc)[0]
    assert _files(tmp_path) == {"mine/thesis.tex": b"x", "note.txt": b"y"}
    (tmp_path / "empty").mkdir()
    with output_folder(tmp_path / "empty") as staging:
        _write(staging, PLAN)
    verify_folder(tmp_path / "empty")


def test_refused_over_the_working_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """--out the working folder, or a folder holding it, is refused even when empty:
    replacing it would leave the run standing in a deleted folder."""
    (tmp_path / "here").mkdir()
    monkeypatch.chdir(tmp_path / "here")
    for out in (Path("."), tmp_path / "here", tmp_path):
        with pytest.raises(InputError) as exc:
            check_out(out)
        assert "working folder" in _messages(exc)[0]
    check_out("plans/tonight")


def test_two_writers_take_turns(tmp_path: Path) -> None:
    """A second writer into the same --out waits until the first has put its folder in
    place, then replaces it whole: the result is one writer's complete folder, never a
    mix of both."""
    out = tmp_path / "plan"
    first_in, release, second_in = threading.Event(), threading.Event(), threading.Event()

    def first() -> None:
        with output_folder(out) as staging:
            first_in.set()
            _write(staging, {"orders.csv": b"first", "legs.csv": b"first"})
            release.wait(10)

    def second() -> None:
        first_in.wait(10)
        with output_folder(out) as staging:
            second_in.set()
            _write(staging, {"orders.csv": b"second"})

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    assert first_in.wait(10)
    time.sleep(0.3)
    assert not second_in.is_set()  # waits on the lock while the first writes
    release.set()
    for t in threads:
        t.join(10)
    assert second_in.is_set()
    assert set(_files(out)) == {"orders.csv", MANIFEST_FILE}
    assert (out / "orders.csv").read_bytes() == b"second"
    verify_folder(out)
    assert os.listdir(tmp_path) == ["plan"]


def test_leftovers_of_a_crash_are_recovered(tmp_path: Path) -> None:
    """A run killed between moving the previous folder aside and moving the new one in
    leaves --out absent: the next run puts the previous folder back (here it fails,
    so that is what stays) and removes the half-written staged folder."""
    out = tmp_path / "plan"
    with output_folder(out) as staging:
        _write(staging, PLAN)
    before = _files(out)
    out.rename(tmp_path / ".plan.old-0123456789abcdef")
    _write(tmp_path / ".plan.new-fedcba9876543210", {"orders.csv": b"half"})
    (tmp_path / ".plan.lock").touch()  # a dead run's lock file holds no lock
    with pytest.raises(RuntimeError), output_folder(out):
        raise RuntimeError("writer failed")
    assert _files(out) == before
    assert os.listdir(tmp_path) == ["plan"]


def test_manifest_names_every_file_that_differs(tmp_path: Path) -> None:
    """verify_folder reports, in one error, a truncated file (size), a same-size edit
    (SHA-256), a deleted file and an unlisted one, each by its path; hidden files and
    editor lock files are tolerated."""
    files = {"a.csv": b"a,b\n1,2\n", "b.csv": b"hello\n", "c.json": b"{}\n", "d.txt": b"d"}
    _write(tmp_path, files)
    write_manifest(tmp_path)
    verify_folder(tmp_path)
    _write(tmp_path, {".DS_Store": b"", "~$a.csv": b"", "a.csv": b"a,b\n1,2"})
    _write(tmp_path, {"b.csv": b"HELLO\n", "extra.csv": b""})
    (tmp_path / "c.json").unlink()
    with pytest.raises(InputError) as exc:
        verify_folder(tmp_path)
    got = {m.split(":-:-: ")[0]: m for m in _messages(exc)}
    assert set(got) == {str(tmp_path / n) for n in ("a.csv", "b.csv", "c.json", "extra.csv")}
    assert "expected 8 bytes" in got[str(tmp_path / "a.csv")]
    assert "sha256" in got[str(tmp_path / "b.csv")]
    assert "got 'none'" in got[str(tmp_path / "c.json")]
    assert "does not list" in got[str(tmp_path / "extra.csv")]


def test_missing_or_broken_manifest(tmp_path: Path) -> None:
    """A folder without manifest.json, or with one that is not JSON or lists a path
    outside the folder, is refused naming manifest.json."""
    _write(tmp_path, {"orders.csv": b"x"})
    manifest = tmp_path / MANIFEST_FILE
    bad = [
        None,
        b"{not json",
        json.dumps(
            {
                "format": "atmp-logistics output folder",
                "version": 1,
                "files": [{"path": "../orders.csv", "size": 1, "sha256": "0"}],
            }
        ).encode(),
    ]
    for content in bad:
        if content is not None:
            manifest.write_bytes(content)
        with pytest.raises(InputError) as exc:
            verify_folder(tmp_path)
        assert _messages(exc)[0].startswith(f"{manifest}:")


def test_nested_folders_keep_their_own_manifest(tmp_path: Path) -> None:
    """A sweep lists its plan folders, not their files: a plan folder replaced whole
    with a fresh manifest keeps the sweep verifying, a tampered one does not (named by
    its own path)."""
    sweep = tmp_path / "sweep"
    with output_folder(sweep) as staging:
        _write(staging, {"comparison.csv": b"x", "plans/base/orders.csv": b"o"})
        write_manifest(staging / "plans" / "base")
    assert read_manifest(sweep).folders == ("plans/base",)
    with output_folder(sweep / "plans" / "base") as staging:
        _write(staging, {"orders.csv": b"o2", "risk.csv": b"r"})
    verify_folder(sweep)
    (sweep / "plans" / "base" / "risk.csv").write_bytes(b"R")
    with pytest.raises(InputError) as exc:
        verify_folder(sweep)
    assert _messages(exc)[0].startswith(str(sweep / "plans" / "base" / "risk.csv"))


_names = st.text(alphabet="abcdefgh_", min_size=1, max_size=6).map(lambda s: s + ".csv")


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    files=st.dictionaries(_names, st.binary(min_size=1, max_size=64), min_size=1, max_size=5),
    data=st.data(),
)
def test_any_changed_byte_is_caught(tmp_path_factory: pytest.TempPathFactory, files, data) -> None:
    """For random files, a written folder verifies; flipping any one byte of any one
    file makes verify_folder name exactly that file."""
    folder = tmp_path_factory.mktemp("random")
    with output_folder(folder) as staging:
        _write(staging, files)
    verify_folder(folder)
    name = data.draw(st.sampled_from(sorted(files)))
    at = data.draw(st.integers(min_value=0, max_value=len(files[name]) - 1))
    body = bytearray(files[name])
    body[at] ^= 0xFF
    (folder / name).write_bytes(bytes(body))
    with pytest.raises(InputError) as exc:
        verify_folder(folder)
    assert [i.file for i in exc.value.issues] == [str(folder / name)]
