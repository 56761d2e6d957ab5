#!/usr/bin/env python3
"""Soak benchmark (issue 19): many pages through `docdesk-cli watch --target` at a steady rate,
as an unattended station runs for days. Prints, at the start, every --every pages and at the
end: pages filed, the backlog in the hot folder, resident memory (VmRSS) and open files of the
watcher and of its analysis workers, and the size of the session database (with its WAL).
Memory and open files should stay flat; the database grows with the pages only (bytes per
page are printed). A benchmark, run by hand: it prints figures and asserts nothing.

Usage: nice -n 10 soak_watch.py --cli build/app/docdesk-cli [--pages 5000] [--rate 10] [--every 500]
"""
import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'faults'))
import kill_anywhere as common  # noqa: E402


def proc_status(pid):
    """(VmRSS kB, VmHWM kB, open files) of a process, or None when it is gone."""
    try:
        with open('/proc/%d/status' % pid) as f:
            fields = dict(line.split(':', 1) for line in f if ':' in line)
        fds = len(os.listdir('/proc/%d/fd' % pid))
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return None
    return int(fields['VmRSS'].split()[0]), int(fields['VmHWM'].split()[0]), fds


def children(pid):
    """The processes whose parent is `pid` (the analysis workers)."""
    out = []
    for entry in os.listdir('/proc'):
        if entry.isdigit():
            try:
                with open('/proc/%s/stat' % entry) as f:
                    stat = f.read()
            except OSError:
                continue
            if int(stat[stat.rindex(')') + 2:].split()[1]) == pid:
                out.append(int(entry))
    return out


def size_of(path):
    return os.path.getsize(path) if os.path.exists(path) else 0


def sample(label, watcher, session_dir, hot, filed, started):
    me = proc_status(watcher.pid) or (0, 0, 0)
    workers = [s for s in (proc_status(c) for c in children(watcher.pid)) if s]
    db = os.path.join(session_dir, 'session.sqlite')
    db_bytes = size_of(db) + size_of(db + '-wal')
    backlog = len([n for n in os.listdir(hot) if n.endswith('.png')])
    print('%-6s %6d filed %5d waiting | watcher RSS %7.1f MB (peak %7.1f) fds %3d | workers %d RSS %7.1f MB fds %3d '
          '| session db %8.2f MB (%5.0f B/page) | %6.0f s' %
          (label, filed, backlog, me[0] / 1024, me[1] / 1024, me[2], len(workers),
           sum(w[0] for w in workers) / 1024, sum(w[2] for w in workers), db_bytes / 1e6,
           db_bytes / max(1, filed), time.monotonic() - started), flush=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--cli', required=True)
    ap.add_argument('--pages', type=int, default=5000)
    ap.add_argument('--rate', type=float, default=10, help='pages per second arriving in the hot folder')
    ap.add_argument('--every', type=int, default=500, help='print a line every N pages filed')
    ap.add_argument('--keep', help='keep the run in this folder instead of a temporary one')
    args = ap.parse_args()
    root = args.keep or tempfile.mkdtemp(prefix='soak_watch-')
    os.makedirs(root, exist_ok=True)
    env = dict(os.environ, XDG_DATA_HOME=os.path.join(root, 'data'), LC_ALL='C', LANGUAGE='')
    hot, archive, src = (os.path.join(root, n) for n in ('hot', 'archive', 'src'))
    for d in (hot, archive, src):
        os.makedirs(d, exist_ok=True)
    session = subprocess.run([args.cli, 'session', 'new'], env=env, capture_output=True, text=True,
                             check=True).stdout.strip().splitlines()[-1]
    session_dir = os.path.join(root, 'data', 'docdesk', 'sessions', session)
    print('soak: %d pages at %.1f pages/s through watch --target (session %s, folder %s)' %
          (args.pages, args.rate, session, root), flush=True)
    watcher = subprocess.Popen([args.cli, 'watch', '--session', session, '--settle', '0.2', '--target', archive, hot],
                               env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    started = time.monotonic()
    done_dir = os.path.join(hot, 'done')
    given = filed = 0
    next_print = args.every
    printed_start = False
    try:
        while filed < args.pages:
            due = min(args.pages, int((time.monotonic() - started) * args.rate) + 1)
            while given < due:
                # Each page its own colour, so its own bytes (not recognised as a repeat).
                name = 'p%05d.png' % given
                k = given + 1
                common.write_png(os.path.join(src, name), 240, 320, (k % 256, (k // 256) % 256, 128 + k % 7))
                common.drop_into(hot, src, [name])
                os.remove(os.path.join(src, name))
                given += 1
            filed = len(os.listdir(done_dir)) if os.path.isdir(done_dir) else 0
            if not printed_start and filed >= 20:
                sample('start', watcher, session_dir, hot, filed, started)
                printed_start = True
            if filed >= next_print:
                sample('middle' if next_print == args.pages // 2 else '', watcher, session_dir, hot, filed, started)
                next_print += args.every
            if watcher.poll() is not None:
                print('the watcher ended with %d' % watcher.returncode)
                return 1
            time.sleep(0.05)
        sample('end', watcher, session_dir, hot, filed, started)
        pdfs = sum(len(n) for _, _, n in os.walk(archive))
        failed = os.listdir(os.path.join(hot, 'failed')) if os.path.isdir(os.path.join(hot, 'failed')) else []
        print('soak: %d pages given, %d in done/, %d in failed/, %d files in the archive, %.0f s' %
              (given, filed, len(failed), pdfs, time.monotonic() - started), flush=True)
    finally:
        watcher.send_signal(signal.SIGINT)
        try:
            watcher.wait(timeout=60)
        except subprocess.TimeoutExpired:
            watcher.kill()
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == '__main__':
    sys.exit(main())
