#!/usr/bin/env python3
"""Fault test: the archive, the data folder and the outbox folder each on a small tmpfs (in a private mount
namespace) that fills up in the middle of a batch. The command must exit 1 with a message naming
the place that is full, leave nothing half-written, and file everything exactly once when it is
run again after space was freed.

Needs root and `unshare -m` (re-executes itself in a new mount namespace); exits 77 (skipped)
where that is not available. Prints its counts per scenario.

Usage: full_disk.py --cli PATH [--files N]
"""
import argparse
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kill_anywhere as common  # noqa: E402

SKIP = 77
MARKER = 'DOCDESK_FULL_DISK_NAMESPACE'


def mount_tmpfs(folder, size):
    os.makedirs(folder, exist_ok=True)
    subprocess.run(['mount', '-t', 'tmpfs', '-o', 'size=' + size, 'tmpfs', folder], check=True)


def remount(folder, size):
    subprocess.run(['mount', '-o', 'remount,size=' + size, folder], check=True)


def files_in(folder):
    return [os.path.join(d, n) for d, _, names in os.walk(folder) for n in names]


def archive_full(run, hashes, src, problems):
    """The archive fills up after a few documents."""
    archive = os.path.join(run.root, 'archive-small')
    mount_tmpfs(archive, '16k')
    session = run.new_session()
    inputs = [os.path.join(src, n) for n in sorted(os.listdir(src))]
    first = run.cli_run('file', '--target', archive, '--session', session, *inputs)
    placed = len(files_in(archive))
    if first.returncode != 1:
        problems.append('archive full: exit %d, expected 1' % first.returncode)
    if 'No space left on device' not in first.stdout + first.stderr or archive not in first.stdout + first.stderr:
        problems.append('archive full: no message naming the archive: %s %s' % (first.stdout, first.stderr))
    problems += ['archive full: left behind ' + t for t in common.temp_files(archive)]
    remount(archive, '4m')
    second = run.cli_run('file', '--target', archive, '--session', session, *inputs)
    if second.returncode != 0:
        problems.append('archive full: the run after freeing space exited %d: %s' % (second.returncode, second.stderr))
    docs, dups, missing, more = common.check(run, session, hashes, archive, 'archive full')
    problems += more
    print('archive full: files %d, filed before full %d, documents %d, duplicates %d, missing %d' %
          (len(hashes), placed, docs, dups, missing), flush=True)


def watch_archive_full(run, hashes, src, problems):
    """The hot folder's target fills up: files go to failed/, and are filed once put back."""
    archive = os.path.join(run.root, 'archive-watch-small')
    hot = os.path.join(run.root, 'hot')
    os.makedirs(hot, exist_ok=True)
    mount_tmpfs(archive, '16k')
    session = run.new_session()
    common.drop_into(hot, src, sorted(os.listdir(src)))
    watch = ['watch', '--once', '--session', session, '--settle', '0.1', '--target', archive, hot]
    first = run.cli_run(*watch)
    failed_dir = os.path.join(hot, 'failed')
    failed = [n for n in os.listdir(failed_dir) if not n.endswith('.error.txt')] if os.path.isdir(failed_dir) else []
    if first.returncode != 1 or not failed:
        problems.append('watch, archive full: exit %d with %d files in failed/' % (first.returncode, len(failed)))
    problems += ['watch, archive full: left behind ' + t for t in common.temp_files(archive)]
    remount(archive, '4m')
    for name in failed:  # the operator puts them back once there is space
        os.rename(os.path.join(failed_dir, name), os.path.join(hot, name))
        os.remove(os.path.join(failed_dir, name + '.error.txt'))
    second = run.cli_run(*watch)
    if second.returncode != 0:
        problems.append('watch, archive full: the run after freeing space exited %d: %s' %
                        (second.returncode, second.stdout))
    docs, dups, missing, more = common.check(run, session, hashes, archive, 'watch, archive full')
    problems += more
    print('watch, archive full: files %d, failed while full %d, documents %d, duplicates %d, missing %d' %
          (len(hashes), len(failed), docs, dups, missing), flush=True)


def data_full(run, hashes, src, problems):
    """The data folder (sessions) fills up while the batch is stored."""
    data = os.path.join(run.root, 'data')
    mount_tmpfs(data, '200k')
    archive = os.path.join(run.root, 'archive-data-full')
    session = run.new_session()
    inputs = [os.path.join(src, n) for n in sorted(os.listdir(src))]
    first = run.cli_run('file', '--target', archive, '--session', session, *inputs)
    said = first.stdout + first.stderr
    if first.returncode != 1:
        problems.append('data full: exit %d, expected 1' % first.returncode)
    if data not in said:
        problems.append('data full: no message naming the data folder: %s' % said)
    verify = run.cli_run('session', 'verify', session)
    if verify.returncode != 0:
        problems.append('data full: session verify while full: %s' % verify.stdout)
    remount(data, '16m')
    second = run.cli_run('file', '--target', archive, '--session', session, *inputs)
    if second.returncode != 0:
        problems.append('data full: the run after freeing space exited %d: %s' % (second.returncode, second.stderr))
    docs, dups, missing, more = common.check(run, session, hashes, archive, 'data full')
    problems += more
    problems += ['data full: left behind ' + t for t in common.temp_files(data, archive)]
    print('data full: files %d, documents %d, duplicates %d, missing %d' % (len(hashes), docs, dups, missing),
          flush=True)


def outbox_state(data):
    """(items as (file, bytes, sha256), files in the outbox folder) of the outbox below `data`."""
    import sqlite3
    db = sqlite3.connect('file:%s?mode=ro' % os.path.join(data, 'outbox.sqlite'), uri=True)
    items = db.execute('SELECT file, bytes, sha256 FROM items').fetchall()
    db.close()
    folder = os.path.join(data, 'outbox')
    return items, sorted(os.listdir(folder))


def outbox_consistent(data, label, problems):
    """Nothing half-written: every file in the outbox folder is a whole item, every item has its file."""
    items, files = outbox_state(data)
    for name, size, sha in items:
        path = os.path.join(data, 'outbox', name)
        if not os.path.isfile(path):
            problems.append('%s: outbox item %s has no file' % (label, name))
        elif os.path.getsize(path) != size or common.sha256_of(path) != sha:
            problems.append('%s: outbox file %s is not what its item says' % (label, name))
    for name in set(files) - set(n for n, _, _ in items):
        problems.append('%s: %s in the outbox folder is no item' % (label, name))
    return len(items)


def check_outbox_filing(run, session, hashes, label, problems):
    """Each input filed once, into the outbox; returns (documents, duplicates, missing)."""
    import sqlite3
    session_dir = os.path.join(run.root, 'data', 'docdesk', 'sessions', session)
    db = sqlite3.connect('file:%s?mode=ro' % os.path.join(session_dir, 'session.sqlite'), uri=True)
    rows = db.execute("SELECT d.id, d.state, d.location, o.sha256 FROM documents d "
                      "JOIN document_pages dp ON dp.document_id = d.id JOIN pages p ON p.id = dp.page_id "
                      "JOIN originals o ON o.id = p.original_id").fetchall()
    db.close()
    per_input = {}
    for doc_id, state, location, sha in rows:
        per_input.setdefault(sha, set()).add(doc_id)
        if state != 'filed' or not os.path.isfile(location):
            problems.append('%s: document %d is %s at %s' % (label, doc_id, state, location))
    duplicates = sum(len(ids) - 1 for ids in per_input.values())
    missing = len([h for h in hashes if h not in per_input])
    verify = run.cli_run('session', 'verify', session)
    if verify.returncode != 0:
        problems.append('%s: session verify: %s %s' % (label, verify.stdout, verify.stderr))
    return len(per_input), duplicates, missing


def outbox_full(run, hashes, src, problems):
    """The outbox folder (on its own file system) fills up while documents are moved into it."""
    data = os.path.join(run.root, 'data', 'docdesk')
    outbox = os.path.join(data, 'outbox')
    mount_tmpfs(outbox, '16k')
    session = run.new_session()
    inputs = [os.path.join(src, n) for n in sorted(os.listdir(src))]
    first = run.cli_run('file', '--profile', 'gw', '--session', session, *inputs)
    said = first.stdout + first.stderr
    if first.returncode != 1:
        problems.append('outbox full: exit %d, expected 1' % first.returncode)
    if 'No space left on device' not in said or outbox not in said:
        problems.append('outbox full: no message naming the outbox folder: %s' % said)
    queued_while_full = outbox_consistent(data, 'outbox full', problems)
    problems += ['outbox full: left behind ' + t for t in common.temp_files(outbox)]
    remount(outbox, '4m')
    second = run.cli_run('file', '--profile', 'gw', '--session', session, *inputs)
    if second.returncode != 0:
        problems.append('outbox full: the run after freeing space exited %d: %s %s' %
                        (second.returncode, second.stdout, second.stderr))
    items = outbox_consistent(data, 'outbox full', problems)
    docs, dups, missing = check_outbox_filing(run, session, hashes, 'outbox full', problems)
    if items != len(hashes):
        problems.append('outbox full: %d outbox items for %d inputs' % (items, len(hashes)))
    staging = os.path.join(data, 'outbox-staging')
    left = files_in(staging) if os.path.isdir(staging) else []
    problems += ['outbox full: left in staging ' + t for t in left + common.temp_files(data)]
    print('outbox full: files %d, queued before full %d, documents %d, duplicates %d, missing %d' %
          (len(hashes), queued_while_full, docs, dups, missing), flush=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--cli', required=True)
    ap.add_argument('--files', type=int, default=12)
    args = ap.parse_args()
    if os.environ.get(MARKER) != '1':
        if os.geteuid() != 0:
            print('skipped: needs root for tmpfs mounts')
            return SKIP
        probe = subprocess.run(['unshare', '-m', '--propagation', 'private', 'true'], capture_output=True)
        if probe.returncode != 0:
            print('skipped: unshare -m is not available here: ' + probe.stderr.decode(errors='replace'))
            return SKIP
        env = dict(os.environ, **{MARKER: '1'})
        return subprocess.run(['unshare', '-m', '--propagation', 'private', sys.executable, *sys.argv],
                              env=env).returncode
    args.budget, args.seed = 120, 1
    with tempfile.TemporaryDirectory(prefix='full_disk-') as root:
        run = common.Run(args, root)
        problems = []
        src = os.path.join(root, 'inputs')
        hashes = common.make_inputs(src, args.files, 0)
        try:
            archive_full(run, hashes, src, problems)
            watch_archive_full(run, hashes, src, problems)
            data_full(run, hashes, src, problems)
            outbox_full(run, hashes, src, problems)
        finally:
            for d, _, _ in sorted(os.walk(root), reverse=True):
                subprocess.run(['umount', d], capture_output=True)  # only our tmpfs mounts succeed
        for p in problems:
            print('FAIL: ' + p)
        return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
