"""Disk full, read-only file systems, permission denied: a one-line error, exit 1, the old
store intact, no traceback.

Two kinds of tests, named for what they do:

- ``simulated_*`` tests make the system calls fail inside the test process (monkeypatched
  ``os`` functions) and run the CLI through click's CliRunner: they run everywhere.
- ``real_*`` tests make the kernel refuse: a tiny tmpfs that fills up, a tmpfs remounted
  read-only (both need root with mount rights, else skipped), and a folder the CLI
  process may not write to (as a normal user a chmod'ed folder; as root, the CLI runs as
  user ``nobody``, since root ignores permissions).
"""
from __future__ import annotations

import contextlib
import errno
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from kgraph import ingest
from kgraph.cli import cli
from kgraph.store.graph import open_graph

from helpers.corpus import cli_env, kgraph_cmd, url_of, urls_in, urls_in_file, write_articles

def check_refused(exit_code: int, output: str, store: Path, before: bytes, *words: str) -> None:
    """The contract: exit 1, a single line naming the store, the old store intact."""
    assert exit_code == 1, output
    assert "Traceback" not in output
    assert "internal error" not in output, output
    lines = [line for line in output.splitlines() if line.strip()]
    assert len(lines) == 1, output
    assert lines[0].startswith("Error: ") and store.name in lines[0], lines[0]
    for word in words:
        assert word in lines[0], lines[0]
    assert store.read_bytes() == before
    assert urls_in_file(store) == urls_in(open_graph(store))


@pytest.fixture
def store(tmp_path, monkeypatch):
    """A store of 10 articles in tmp_path (the working directory), and 10 more to add."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("KGRAPH_STORE", raising=False)
    path = tmp_path / "kgraph.ttl"
    assert ingest(write_articles(tmp_path / "old", "old", range(10)), store=path).ok
    write_articles(tmp_path / "new", "new", range(10))
    return path


def run_cli(*args: str):
    from click.testing import CliRunner

    result = CliRunner().invoke(cli, list(args), catch_exceptions=True)
    # A non-KGraphError escaping the command is what main() would turn into "internal error".
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


# --------------------------------------------------------------------------- simulated


def _fail_writes_to(monkeypatch, match, error: int, *, on: str = "write") -> None:
    """Make writing (``on="write"``) or fsyncing (``on="fsync"``) a file created by
    ``tempfile.mkstemp`` whose name satisfies ``match`` fail with ``error``."""
    doomed: set[int] = set()
    real_mkstemp, real_fdopen, real_fsync = tempfile.mkstemp, os.fdopen, os.fsync

    def mkstemp(*args, **kwargs):
        fd, name = real_mkstemp(*args, **kwargs)
        if match(Path(name).name):
            doomed.add(fd)
        return fd, name

    class Failing:
        def __init__(self, handle):
            self._handle = handle

        def write(self, data):
            raise OSError(error, os.strerror(error))

        def __getattr__(self, name):
            return getattr(self._handle, name)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self._handle.close()

    def fdopen(fd, *args, **kwargs):
        handle = real_fdopen(fd, *args, **kwargs)
        return Failing(handle) if on == "write" and fd in doomed else handle

    def fsync(fd):
        if on == "fsync" and fd in doomed:
            raise OSError(error, os.strerror(error))
        return real_fsync(fd)

    monkeypatch.setattr(tempfile, "mkstemp", mkstemp)
    monkeypatch.setattr(os, "fdopen", fdopen)
    monkeypatch.setattr(os, "fsync", fsync)


def _is_store_temp(name: str) -> bool:
    return name.startswith(".kgraph.ttl.") and name.endswith(".tmp")


@pytest.mark.parametrize("on", ["write", "fsync"])
def test_simulated_disk_full_writing_the_store(store, monkeypatch, on):
    before = store.read_bytes()
    _fail_writes_to(monkeypatch, _is_store_temp, errno.ENOSPC, on=on)
    result = run_cli("ingest", "new")
    check_refused(result.exit_code, result.output, store, before, "no space left")
    assert not list(store.parent.glob(".kgraph.ttl.*.tmp"))  # the temporary file is gone
    monkeypatch.undo()
    # Once there is space again, the same ingest works.
    monkeypatch.chdir(store.parent)
    again = run_cli("ingest", "new")
    assert again.exit_code == 0, again.output
    assert len(urls_in_file(store)) == 20


def test_simulated_disk_full_writing_the_index_stamp(store, monkeypatch):
    before = store.read_bytes()
    _fail_writes_to(monkeypatch, lambda name: name.startswith(".stamp.json."), errno.ENOSPC)
    result = run_cli("ingest", "new")
    check_refused(result.exit_code, result.output, store, before, "no space left")


@pytest.mark.parametrize("error, words", [
    (errno.EROFS, "Read-only file system"),
    (errno.EACCES, "Permission denied"),
])
def test_simulated_read_only_or_denied_folder(store, monkeypatch, error, words):
    """Every open for writing in the store's folder fails, as on a read-only mount or in a
    folder the user may not write to (the lock file, the temporary file, the index)."""
    before = store.read_bytes()
    folder = str(store.parent)
    real_open = os.open
    writing = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC

    def guarded_open(path, flags, *args, **kwargs):
        if flags & writing and os.path.abspath(path).startswith(folder):
            raise OSError(error, os.strerror(error), path)
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", guarded_open)
    result = run_cli("ingest", "new")
    monkeypatch.undo()
    check_refused(result.exit_code, result.output, store, before, words)


def test_simulated_rename_refused(store, monkeypatch):
    """The last step of an atomic write fails (EACCES on rename, e.g. a sticky folder)."""
    before = store.read_bytes()
    real_replace = os.replace

    def replace(src, dst, *args, **kwargs):
        if Path(dst).name == "kgraph.ttl":
            raise OSError(errno.EACCES, os.strerror(errno.EACCES), dst)
        return real_replace(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "replace", replace)
    result = run_cli("ingest", "new")
    check_refused(result.exit_code, result.output, store, before, "Permission denied")
    assert not list(store.parent.glob(".kgraph.ttl.*.tmp"))


# --------------------------------------------------------------------------- real


#: As root, run the CLI without the capabilities that let root ignore file permissions.
UNPRIVILEGED = ["setpriv", "--bounding-set=-dac_override,-dac_read_search,-fowner", "--"]


def _cli(store: Path, *args: str, unprivileged: bool = False) -> subprocess.CompletedProcess:
    prefix = UNPRIVILEGED if unprivileged else []
    return subprocess.run([*prefix, *kgraph_cmd(*args, "--store", str(store))],
                          cwd=store.parent, env=cli_env(), capture_output=True, text=True,
                          timeout=120)


def check_cli_refused(done: subprocess.CompletedProcess, store: Path, before: bytes,
                      *words: str) -> None:
    assert done.stdout == "", done.stdout
    check_refused(done.returncode, done.stderr, store, before, *words)


@contextlib.contextmanager
def tmpfs(size: str):
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a tmpfs needs root")
    folder = Path(tempfile.mkdtemp(prefix="kgraph-tmpfs-"))
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs",
                           str(folder)], capture_output=True)
    if done.returncode != 0:
        folder.rmdir()
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], capture_output=True)
        folder.rmdir()


def test_real_disk_full_on_a_tiny_tmpfs(tmp_path):
    # Room for the index's preallocated files (RocksDB may reserve several MB at once).
    with tmpfs("256m") as folder:
        store = folder / "kgraph.ttl"
        assert ingest(write_articles(tmp_path / "old", "old", range(10)), store=store).ok
        before = store.read_bytes()
        new = write_articles(tmp_path / "new", "new", range(300), paragraphs=1)
        # Fill the file system, leaving less room than the new store needs.
        filler = folder / "filler"
        with contextlib.suppress(OSError), open(filler, "wb") as handle:
            while True:
                handle.write(b"\0" * 65536)
                handle.flush()
        if filler.exists():
            filler.write_bytes(b"\0" * max(0, os.path.getsize(filler) - 40_000))
        done = _cli(store, "ingest", *map(str, new))
        check_cli_refused(done, store, before, "no space left")
        # With space again the same ingest works, and the index follows.
        (folder / "filler").unlink()
        done = _cli(store, "ingest", *map(str, new))
        assert done.returncode == 0, done.stderr
        assert urls_in(open_graph(store)) == urls_in_file(store)
        assert len(urls_in_file(store)) == 310


def test_real_read_only_file_system(tmp_path):
    with tmpfs("20m") as folder:
        store = folder / "kgraph.ttl"
        assert ingest(write_articles(tmp_path / "old", "old", range(10)), store=store).ok
        before = store.read_bytes()
        new = write_articles(tmp_path / "new", "new", range(5))
        subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)
        done = _cli(store, "ingest", *map(str, new))
        check_cli_refused(done, store, before, "Read-only file system")
        # Reading still works (from the index or by parsing the file).
        assert urls_in(open_graph(store)) == {url_of("old", n) for n in range(10)}
        done = _cli(store, "validate")
        assert done.returncode == 0, done.stderr


def test_real_permission_denied(tmp_path):
    """The store's folder (and its index) may not be written by the user running the CLI:
    a chmod'ed folder; as root, the CLI runs without CAP_DAC_OVERRIDE (setpriv) so that
    the permissions apply to it."""
    as_root = os.geteuid() == 0
    if as_root:
        probe = subprocess.run([*UNPRIVILEGED, "true"], capture_output=True) \
            if shutil.which("setpriv") else None
        if probe is None or probe.returncode != 0:
            pytest.skip("as root, needs setpriv to drop CAP_DAC_OVERRIDE")
    folder = tmp_path / "store"
    folder.mkdir()
    store = folder / "kgraph.ttl"
    assert ingest(write_articles(tmp_path / "old", "old", range(10)), store=store).ok
    before = store.read_bytes()
    new = write_articles(tmp_path / "new", "new", range(5))
    index = folder / ".kgraph.ttl.index"
    folder.chmod(0o555)
    index.chmod(0o555)
    try:
        done = _cli(store, "ingest", *map(str, new), unprivileged=as_root)
        check_cli_refused(done, store, before, "Permission denied")
        done = _cli(store, "validate", unprivileged=as_root)  # reading is allowed
        assert done.returncode == 0, done.stderr
    finally:
        folder.chmod(0o755)
        index.chmod(0o755)


# --------------------------------------------------------------------------- symlinks


def test_cli_does_not_follow_symlinks_out_of_an_ingested_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("KGRAPH_STORE", raising=False)
    outside = write_articles(tmp_path / "outside", "secret", range(2))
    folder = tmp_path / "in"
    write_articles(folder, "inside", range(1))
    (folder / "link.md").symlink_to(outside[0])
    (folder / "linked-dir").symlink_to(tmp_path / "outside", target_is_directory=True)
    result = run_cli("ingest", "in")
    assert result.exit_code == 0, result.output
    assert urls_in_file(tmp_path / "kgraph.ttl") == {url_of("inside", 0)}
    result = run_cli("ingest", "--follow-symlinks", "in")
    assert result.exit_code == 0, result.output
    assert urls_in_file(tmp_path / "kgraph.ttl") == {
        url_of("inside", 0), url_of("secret", 0), url_of("secret", 1)}


def test_symlink_loops_are_read_once_and_never_hang(tmp_path, monkeypatch):
    """--follow-symlinks with links back up the tree: each folder and file is read once."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("KGRAPH_STORE", raising=False)
    write_articles(tmp_path / "in" / "a", "a", range(1))
    write_articles(tmp_path / "in" / "b", "b", range(1))
    (tmp_path / "in" / "a" / "up").symlink_to(tmp_path / "in", target_is_directory=True)
    (tmp_path / "in" / "b" / "to-a").symlink_to(tmp_path / "in" / "a", target_is_directory=True)
    (tmp_path / "in" / "b" / "self").symlink_to(tmp_path / "in" / "b", target_is_directory=True)
    (tmp_path / "in" / "b" / "again.md").symlink_to(tmp_path / "in" / "a" / "a-0.md")
    done = subprocess.run(kgraph_cmd("ingest", "--follow-symlinks", "in"), cwd=tmp_path,
                          env=cli_env(), capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("ingested 2 articles, 2 visits, "), done.stdout
    assert "same article" not in done.stderr  # no file was read twice
    assert urls_in_file(tmp_path / "kgraph.ttl") == {url_of("a", 0), url_of("b", 0)}


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_is_never_read(tmp_path):
    """A FIFO named like an article, given or inside a folder, is refused or skipped at
    once (opening it would wait for a writer while holding the store's lock); a FIFO as
    the store is refused by every command."""
    write_articles(tmp_path / "in", "in", range(1))
    os.mkfifo(tmp_path / "in" / "pipe.md")
    os.mkfifo(tmp_path / "given.md")
    os.mkfifo(tmp_path / "store.ttl")

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(kgraph_cmd(*args), cwd=tmp_path, env=cli_env(),
                              capture_output=True, text=True, timeout=60)

    done = run("ingest", "in", "given.md")
    assert done.returncode == 1
    assert "Error: given.md: not a regular file (a FIFO): not read" in done.stderr
    assert "note: in/pipe.md: a FIFO, not read" in done.stderr
    assert "ingested 1 article, 1 visit," in done.stdout and "1 other file skipped" in done.stdout
    for command in (["query", "--preset", "hosts"], ["ingest", "in"], ["export"],
                    ["stats"], ["viz", "-o", "x.html"]):
        done = run(*command, "--store", "store.ttl")
        assert done.returncode == 1, (command, done.stderr)
        assert done.stderr == "Error: store.ttl: not a regular file (a FIFO)\n", command
    assert run("validate", "--store", "store.ttl").returncode == 2


def test_a_file_name_with_a_newline_gives_a_one_line_error(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("KGRAPH_STORE", raising=False)
    (tmp_path / "bad\nname\x1b[2J.md").write_text("---\nvisits: [\n---\nbody\n",
                                                    encoding="utf-8")
    result = run_cli("ingest", ".")
    assert result.exit_code == 1
    (line,) = result.stderr.splitlines()
    assert line.startswith("Error: bad\\nname\\x1b[2J.md: front matter: invalid YAML")
    assert "\x1b" not in result.output


def test_simulated_disk_full_after_the_store_was_written(store, monkeypatch):
    """The Turtle file is replaced, then the index's snapshot cannot be written: the
    message says the store was written (not that the old one is intact), and the next
    command rebuilds the index from it."""
    _fail_writes_to(monkeypatch, lambda name: name.startswith(".visits.tsv."), errno.ENOSPC)
    result = run_cli("ingest", "new")
    monkeypatch.undo()
    assert result.exit_code == 1
    (line,) = result.output.splitlines()
    assert line == ("Error: kgraph.ttl: the store was written, but its index could not be "
                    "updated: no space left on the device (the index is rebuilt from the "
                    "store on next use)")
    expected = {url_of(tag, n) for tag in ("old", "new") for n in range(10)}
    assert urls_in_file(store) == expected
    assert urls_in(open_graph(store)) == expected


def test_a_store_path_that_is_a_symbolic_link_is_written_through(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("KGRAPH_STORE", raising=False)
    repo = tmp_path / "repo"
    repo.mkdir()
    link = tmp_path / "link.ttl"
    link.symlink_to(repo / "real.ttl")  # dangling until the first ingest
    write_articles(tmp_path / "a", "a", range(2))
    write_articles(tmp_path / "b", "b", range(2))
    for folder in ("a", "b"):
        result = run_cli("ingest", "--store", "link.ttl", folder)
        assert result.exit_code == 0, result.output
        assert "→ link.ttl" in result.output
    assert link.is_symlink() and os.readlink(link) == str(repo / "real.ttl")
    expected = {url_of(tag, n) for tag in ("a", "b") for n in range(2)}
    assert urls_in_file(repo / "real.ttl") == expected
    assert urls_in(open_graph(link)) == urls_in(open_graph(repo / "real.ttl")) == expected
    # One index, beside the file itself, and no lock file beside either.
    assert sorted(os.listdir(repo)) == [".real.ttl.index", "real.ttl"]
    assert not (tmp_path / ".link.ttl.index").exists()
    assert sorted(os.listdir(tmp_path)) == ["a", "b", "link.ttl", "repo"]


def test_a_device_as_the_store_is_refused_and_left_alone(tmp_path):
    """`--store /dev/null` as root replaced /dev/null: here a device node of our own, the
    same device (1, 3), stands for it."""
    import stat

    node = tmp_path / "null"
    try:
        os.mknod(node, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    except (OSError, AttributeError) as exc:
        pytest.skip(f"cannot make a device node here: {exc}")
    write_articles(tmp_path / "in", "in", range(1))
    for args in (["ingest", "in"], ["query", "--preset", "hosts"]):
        done = subprocess.run(kgraph_cmd(*args, "--store", str(node)), cwd=tmp_path,
                              env=cli_env(), capture_output=True, text=True, timeout=60)
        assert done.returncode == 1
        assert done.stderr == f"Error: {node}: not a regular file (a character device)\n"
    assert stat.S_ISCHR(os.stat(node).st_mode)  # still the device
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in", "null"]
