#!/usr/bin/env python3
"""Fault test: docdesk-cli `watch --target` and `file --target` are SIGKILLed at random moments
over a generated batch, restarted each time, and finally run to the end. Afterwards every input
must be filed exactly once (one archive file per input, recorded in the session), with no
duplicates, no temporary files, and `session verify` clean.

Bounded: at most --kills kills per command and --budget seconds in all. Prints its counts:
kills landed, files, documents, duplicates, missing, temp files.

Usage: kill_anywhere.py --cli PATH [--files N] [--kills N] [--budget SECONDS] [--seed N]
"""
import argparse
import hashlib
import os
import random
import signal
import sqlite3
import struct
import subprocess
import sys
import tempfile
import time
import zlib


def write_png(path, width, height, rgb):
    """A plain RGB PNG: each input gets its own colour, so its own bytes."""
    raw = b''.join(b'\x00' + bytes(rgb) * width for _ in range(height))

    def chunk(tag, data):
        return struct.pack('>I', len(data)) + tag + data + struct.pack('>I', zlib.crc32(tag + data) & 0xffffffff)

    data = (b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', width, height, 8, 2, 0, 0, 0)) +
            chunk(b'IDAT', zlib.compress(raw)) + chunk(b'IEND', b''))
    with open(path, 'wb') as f:
        f.write(data)


def sha256_of(path):
    with open(path, 'rb') as f:
        return hashlib.sha256(f.read()).hexdigest()


class Run:
    def __init__(self, args, root):
        self.cli = args.cli
        self.env = dict(os.environ, XDG_DATA_HOME=os.path.join(root, 'data'), LC_ALL='C', LANGUAGE='')
        self.root = root
        self.deadline = time.monotonic() + args.budget
        self.rng = random.Random(args.seed)

    def cli_run(self, *argv, timeout=120):
        return subprocess.run([self.cli, *argv], env=self.env, capture_output=True, text=True, timeout=timeout)

    def start(self, *argv):
        return subprocess.Popen([self.cli, *argv], env=self.env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, start_new_session=True)

    def kill_later(self, proc, low, high):
        """SIGKILLs `proc` after a random delay; True when it was still running (a kill landed)."""
        try:
            proc.wait(timeout=self.rng.uniform(low, high))
            return False
        except subprocess.TimeoutExpired:
            pass
        os.killpg(proc.pid, signal.SIGKILL)  # the command and its analysis worker
        proc.wait()
        return True

    def new_session(self):
        out = self.cli_run('session', 'new')
        if out.returncode != 0:
            sys.exit('session new failed: ' + out.stderr)
        return out.stdout.strip().splitlines()[-1]


def make_inputs(folder, count, offset, prefix='scan'):
    os.makedirs(folder, exist_ok=True)
    hashes = {}
    for i in range(count):
        k = offset + i
        path = os.path.join(folder, '%s%03d.png' % (prefix, i))
        write_png(path, 240, 320, ((k * 37) % 256, (k * 91) % 256, (255 - k * 11) % 256))
        hashes[sha256_of(path)] = os.path.basename(path)
    return hashes


def drop_into(hot, src_folder, names):
    """Files arrive complete: written beside under a temporary name, then renamed."""
    for name in names:
        with open(os.path.join(src_folder, name), 'rb') as f:
            data = f.read()
        part = os.path.join(hot, name + '.part')
        with open(part, 'wb') as f:
            f.write(data)
        os.rename(part, os.path.join(hot, name))


def kill_watch(run, session, max_kills, hashes, src):
    hot = os.path.join(run.root, 'hot')
    archive = os.path.join(run.root, 'archive-watch')
    os.makedirs(hot, exist_ok=True)
    pending = sorted(hashes.values())
    landed = 0
    attempts = 0
    while landed < max_kills and attempts < max_kills * 3 and time.monotonic() < run.deadline - 60:
        attempts += 1
        # A few new files each round; the earlier ones may still be waiting.
        take = run.rng.randint(0, 2)
        batch, pending = pending[:take], pending[take:]
        drop_into(hot, src, batch)
        proc = run.start('watch', '--session', session, '--settle', '0.1', '--target', archive, hot)
        landed += run.kill_later(proc, 0.05, 1.2)
    drop_into(hot, src, pending)
    final = run.cli_run('watch', '--once', '--session', session, '--settle', '0.1', '--target', archive, hot,
                        timeout=300)
    return landed, final, hot, archive


def kill_file(run, session, max_kills, src):
    archive = os.path.join(run.root, 'archive-file')
    inputs = [os.path.join(src, n) for n in sorted(os.listdir(src))]
    landed = 0
    attempts = 0
    given = 0
    while landed < max_kills and attempts < max_kills * 3 and time.monotonic() < run.deadline - 30:
        attempts += 1
        # The batch grows by a file or two each round (an operator adding scans), so there is
        # always work to interrupt; the earlier files are given again and must not be filed twice.
        given = min(len(inputs), given + run.rng.randint(1, 2))
        proc = run.start('file', '--target', archive, '--session', session, *inputs[:given])
        landed += run.kill_later(proc, 0.02, 0.9)
    final = run.cli_run('file', '--target', archive, '--session', session, *inputs, timeout=300)
    return landed, final, archive


def temp_files(*folders):
    found = []
    for folder in folders:
        for dirpath, _, names in os.walk(folder):
            found += [os.path.join(dirpath, n) for n in names if n.startswith('.tmp-') or n.endswith('.part')]
    return found


def check(run, session, hashes, archive, label):
    """Every input stored once and filed exactly once; returns (documents, duplicates, missing, problems)."""
    problems = []
    session_dir = os.path.join(run.root, 'data', 'docdesk', 'sessions', session)
    db = sqlite3.connect('file:%s?mode=ro' % os.path.join(session_dir, 'session.sqlite'), uri=True)
    rows = db.execute("SELECT d.id, d.state, d.location, o.sha256 FROM documents d "
                      "JOIN document_pages dp ON dp.document_id = d.id JOIN pages p ON p.id = dp.page_id "
                      "JOIN originals o ON o.id = p.original_id").fetchall()
    stored = db.execute("SELECT sha256, COUNT(*) FROM originals WHERE state = 'stored' GROUP BY sha256").fetchall()
    db.close()
    for sha, n in stored:
        if n != 1:
            problems.append('%s: %s stored %d times' % (label, hashes.get(sha, sha), n))
    filed_per_input = {}
    locations = set()
    for doc_id, state, location, sha in rows:
        if state != 'filed':
            problems.append('%s: document %d left in state %s' % (label, doc_id, state))
        filed_per_input.setdefault(sha, set()).add(doc_id)
        locations.add(location)
        if not os.path.isfile(location):
            problems.append('%s: recorded %s is missing' % (label, location))
    in_archive = [os.path.join(d, n) for d, _, names in os.walk(archive) for n in names]
    duplicates = sum(max(0, len(ids) - 1) for ids in filed_per_input.values())
    duplicates += len([p for p in in_archive if p not in locations])  # written but not recorded
    missing = len([h for h in hashes if h not in filed_per_input])
    if len(in_archive) != len(hashes):
        problems.append('%s: %d files in the archive for %d inputs' % (label, len(in_archive), len(hashes)))
    verify = run.cli_run('session', 'verify', session)
    if verify.returncode != 0:
        problems.append('%s: session verify: %s %s' % (label, verify.stdout, verify.stderr))
    return len(in_archive), duplicates, missing, problems


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--cli', required=True)
    ap.add_argument('--files', type=int, default=24)
    ap.add_argument('--kills', type=int, default=25, help='per command')
    ap.add_argument('--budget', type=float, default=170)
    ap.add_argument('--seed', type=int, default=int(time.time()))
    args = ap.parse_args()
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix='kill_anywhere-') as root:
        run = Run(args, root)
        print('seed %d' % args.seed, flush=True)
        problems = []
        totals = {'kills': 0, 'files': 0, 'documents': 0, 'duplicates': 0, 'missing': 0}

        src_w = os.path.join(root, 'inputs-watch')
        hashes_w = make_inputs(src_w, args.files, 0)
        session_w = run.new_session()
        landed, final, hot, archive_w = kill_watch(run, session_w, args.kills, hashes_w, src_w)
        if final.returncode != 0:
            problems.append('watch: final run exited %d: %s %s' % (final.returncode, final.stdout, final.stderr))
        left = [n for n in os.listdir(hot) if os.path.isfile(os.path.join(hot, n))]
        failed = os.listdir(os.path.join(hot, 'failed')) if os.path.isdir(os.path.join(hot, 'failed')) else []
        done = os.listdir(os.path.join(hot, 'done')) if os.path.isdir(os.path.join(hot, 'done')) else []
        if left or failed or len(done) != args.files:
            problems.append('watch: %d left in the hot folder, %d in failed/, %d in done/' %
                            (len(left), len(failed), len(done)))
        docs, dups, missing, more = check(run, session_w, hashes_w, archive_w, 'watch')
        problems += more
        print('watch: kills landed %d, files %d, documents %d, duplicates %d, missing %d' %
              (landed, args.files, docs, dups, missing), flush=True)
        for key, value in (('kills', landed), ('files', args.files), ('documents', docs), ('duplicates', dups),
                           ('missing', missing)):
            totals[key] += value

        src_f = os.path.join(root, 'inputs-file')
        hashes_f = make_inputs(src_f, args.files, 1000)
        session_f = run.new_session()
        landed, final, archive_f = kill_file(run, session_f, args.kills, src_f)
        if final.returncode != 0:
            problems.append('file: final run exited %d: %s %s' % (final.returncode, final.stdout, final.stderr))
        docs, dups, missing, more = check(run, session_f, hashes_f, archive_f, 'file')
        problems += more
        print('file: kills landed %d, files %d, documents %d, duplicates %d, missing %d' %
              (landed, args.files, docs, dups, missing), flush=True)
        for key, value in (('kills', landed), ('files', args.files), ('documents', docs), ('duplicates', dups),
                           ('missing', missing)):
            totals[key] += value

        temps = temp_files(archive_w, archive_f, os.path.join(root, 'data'), hot)
        problems += ['temporary file left: ' + t for t in temps]
        print('total: kills landed %d, files %d, documents %d, duplicates %d, missing %d, temp files %d (%.0f s)' %
              (totals['kills'], totals['files'], totals['documents'], totals['duplicates'], totals['missing'],
               len(temps), time.monotonic() - started), flush=True)
        for p in problems:
            print('FAIL: ' + p)
        return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
