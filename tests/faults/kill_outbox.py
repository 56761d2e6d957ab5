#!/usr/bin/env python3
"""Fault test: filing into a gateway profile's outbox and sending it, SIGKILLed at random moments.

A real Apache httpd with mod_dav on 127.0.0.1 (started here, as the gateway tests do) is the
gateway. Over a generated batch (scans and larger pass-through files):
  1. `file --profile` (render into staging, record, move into the outbox) is killed and run again
     with a growing batch;
  2. `upload --profile --all` is killed while it sends the outbox, and run again;
  3. `watch --profile --upload` (the unattended station that files and sends) is killed and
     restarted while files arrive.
Afterwards every input is on the server exactly once (one ledger entry each, one server file
each, nothing left in the outbox), with no temporary files (outbox, staging, server) and
`session verify` clean.

Bounded: --kills kills in all (split over the three commands) and --budget seconds. Prints its
counts: kills landed, files, documents, duplicates, missing, temp files.

Usage: kill_outbox.py --cli PATH [--files N] [--kills N] [--budget SECONDS] [--seed N]
"""
import argparse
import os
import random
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kill_anywhere as common  # noqa: E402

SKIP = 77
USER, PASSWORD, PASSPHRASE = 'alice', 's3cret-Pass', 'test passphrase 123'
MODULES = ('mpm_event', 'authn_core', 'authn_file', 'authz_core', 'authz_user', 'auth_basic', 'dav', 'dav_fs',
           'alias')


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def wait_for_port(port, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(('127.0.0.1', port)) == 0:
                return True
        time.sleep(0.05)
    return False


class Apache:
    """Apache httpd with mod_dav and Basic auth on a free loopback port, in its own folder."""

    def __init__(self, root):
        self.root = root
        self.dav = os.path.join(root, 'www', 'dav')
        os.makedirs(self.dav)
        os.makedirs(os.path.join(root, 'run'))
        subprocess.run(['htpasswd', '-bcB', os.path.join(root, 'htpasswd'), USER, PASSWORD], check=True,
                       capture_output=True)
        self.port = free_port()
        conf = ['ServerRoot "%s"' % root, 'ServerName 127.0.0.1', 'PidFile "%s/run/httpd.pid"' % root,
                'DefaultRuntimeDir "%s/run"' % root, 'Mutex file:%s/run default' % root]
        conf += ['LoadModule %s_module /usr/lib/apache2/modules/mod_%s.so' % (m, m) for m in MODULES]
        conf += ['Listen 127.0.0.1:%d' % self.port, 'StartServers 1', 'ServerLimit 2', 'ThreadsPerChild 16',
                 'MaxRequestWorkers 32', 'Timeout 30', 'LimitRequestBody 0',
                 'ErrorLog "%s/error.log"' % root, 'LogLevel warn', 'DocumentRoot "%s/www"' % root,
                 'DavLockDB "%s/run/davlock"' % root, '<Directory "%s">' % self.dav, '  DAV On',
                 '  AuthType Basic', '  AuthName docdesk', '  AuthUserFile "%s/htpasswd"' % root,
                 '  Require valid-user', '</Directory>']
        with open(os.path.join(root, 'httpd.conf'), 'w') as f:
            f.write('\n'.join(conf) + '\n')
        self.proc = subprocess.Popen(['apache2', '-f', os.path.join(root, 'httpd.conf'), '-DFOREGROUND'],
                                     stdout=subprocess.DEVNULL, stderr=open(os.path.join(root, 'stderr.log'), 'w'))
        if not wait_for_port(self.port, 15):
            self.stop()
            raise RuntimeError('Apache did not start: ' + open(os.path.join(root, 'stderr.log')).read())
        self.url = 'http://127.0.0.1:%d/dav/' % self.port

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()

    def documents(self):
        """Every document below the DAV root: mod_dav_fs's .DAV/ property folders excluded."""
        out = []
        for d, dirs, names in os.walk(self.dav):
            dirs[:] = [x for x in dirs if x != '.DAV']
            out += [os.path.join(d, n) for n in names if not n.startswith('.davfs.tmp')]
        return out


class OutboxRun(common.Run):
    """common.Run with the profile vault unlocked by a passphrase on a descriptor, as scripts do."""

    def __init__(self, args, root):
        super().__init__(args, root)
        self.env.update(XDG_CONFIG_HOME=os.path.join(root, 'config'), HOME=root, DOCDESK_NO_KEYRING='1')
        self.secrets = os.path.join(root, 'secrets')
        os.makedirs(self.secrets)

    def _secret_fds(self, password):
        files = []
        for name, text in (('DOCDESK_PASSPHRASE_FD', PASSPHRASE), ('DOCDESK_PASSWORD_FD', PASSWORD if password else '')):
            if not text:
                self.env[name] = ''
                continue
            path = os.path.join(self.secrets, name)
            with open(path, 'w') as f:
                f.write(text + '\n')
            fd = os.open(path, os.O_RDONLY)
            files.append(fd)
            self.env[name] = str(fd)
        return files

    def cli_run(self, *argv, timeout=120, password=False):
        fds = self._secret_fds(password)
        try:
            return subprocess.run([self.cli, *argv], env=self.env, capture_output=True, text=True, timeout=timeout,
                                  pass_fds=fds)
        finally:
            for fd in fds:
                os.close(fd)

    def start(self, *argv):
        fds = self._secret_fds(False)
        try:
            return subprocess.Popen([self.cli, *argv], env=self.env, stdout=subprocess.DEVNULL,
                                    stderr=subprocess.DEVNULL, start_new_session=True, pass_fds=fds)
        finally:
            for fd in fds:
                os.close(fd)


def make_pass_through(folder, count, rng, prefix):
    """Larger files that are filed as they are (so sending them takes a while): their own bytes."""
    names = []
    for i in range(count):
        name = '%s-attachment%03d.bin' % (prefix, i)
        with open(os.path.join(folder, name), 'wb') as f:
            f.write(rng.randbytes(rng.randint(1, 3) * 1024 * 1024))
        names.append(name)
    return names


def kill_file(run, session, kills, inputs):
    landed = attempts = given = 0
    while landed < kills and attempts < kills * 3 and time.monotonic() < run.deadline - 90:
        attempts += 1
        given = min(len(inputs), given + run.rng.randint(1, 2))
        proc = run.start('file', '--profile', 'gw', '--session', session, *inputs[:given])
        landed += run.kill_later(proc, 0.05, 1.5)
    final = run.cli_run('file', '--profile', 'gw', '--session', session, *inputs, timeout=300)
    return landed, final


def kill_upload(run, kills):
    landed = attempts = 0
    while landed < kills and attempts < kills * 3 and time.monotonic() < run.deadline - 60:
        attempts += 1
        proc = run.start('upload', '--profile', 'gw', '--all', '--parallel', '1')
        landed += run.kill_later(proc, 0.1, 2.5)
    return landed, run.cli_run('upload', '--profile', 'gw', '--all', timeout=300)


def kill_watch(run, session, kills, src, names):
    hot = os.path.join(run.root, 'hot')
    os.makedirs(hot)
    pending = list(names)
    landed = attempts = 0
    while landed < kills and attempts < kills * 3 and time.monotonic() < run.deadline - 40:
        attempts += 1
        take = run.rng.randint(0, 2)
        batch, pending = pending[:take], pending[take:]
        common.drop_into(hot, src, batch)
        proc = run.start('watch', '--session', session, '--settle', '0.1', '--profile', 'gw', '--upload', hot)
        landed += run.kill_later(proc, 0.1, 2.0)
    common.drop_into(hot, src, pending)
    final = run.cli_run('watch', '--once', '--session', session, '--settle', '0.1', '--profile', 'gw', '--upload',
                        hot, timeout=300)
    return landed, final, hot


def sha_of_file(path):
    return common.sha256_of(path)


def check(run, apache, sessions, expected, problems):
    """Every input delivered exactly once; returns (documents on the server, duplicates, missing)."""
    data = os.path.join(run.root, 'data', 'docdesk')
    db = sqlite3.connect('file:%s?mode=ro' % os.path.join(data, 'outbox.sqlite'), uri=True)
    items = db.execute('SELECT file, state, reason FROM items').fetchall()
    ledger = db.execute('SELECT local_file, sha256, location FROM ledger').fetchall()
    db.close()
    for name, state, reason in items:
        problems.append('left in the outbox: %s (%s %s)' % (name, state, reason))
    delivered = {}  # outbox name -> sha256
    for local, sha, location in ledger:
        if local in delivered:
            problems.append('delivered twice: %s' % local)
        delivered[local] = sha
    on_server = {}
    for path in apache.documents():
        on_server.setdefault(sha_of_file(path), []).append(path)
    duplicates = sum(len(p) - 1 for p in on_server.values())
    duplicates += len(ledger) - len(set(sha for _, sha, _ in ledger))
    missing = 0
    for session in sessions:
        session_db = os.path.join(data, 'sessions', session, 'session.sqlite')
        db = sqlite3.connect('file:%s?mode=ro' % session_db, uri=True)
        rows = db.execute("SELECT d.id, d.state, d.location, o.sha256 FROM documents d "
                          "JOIN document_pages dp ON dp.document_id = d.id JOIN pages p ON p.id = dp.page_id "
                          "JOIN originals o ON o.id = p.original_id").fetchall()
        db.close()
        per_input = {}
        for doc_id, state, location, sha in rows:
            if state != 'filed':
                problems.append('%s: document %d left in state %s' % (session, doc_id, state))
            per_input.setdefault(sha, set()).add(doc_id)
            name = os.path.basename(location)
            if name not in delivered:
                problems.append('%s: document %d (%s) was not delivered' % (session, doc_id, location))
        for sha, ids in per_input.items():
            if len(ids) > 1:
                duplicates += len(ids) - 1
                problems.append('%s: one input filed %d times' % (session, len(ids)))
        missing += len([h for h in expected[session] if h not in per_input])
        verify = run.cli_run('session', 'verify', session)
        if verify.returncode != 0:
            problems.append('session verify %s: %s %s' % (session, verify.stdout, verify.stderr))
    pass_through = [h for s in sessions for h, name in expected[s].items() if name.endswith('.bin')]
    missing += len([h for h in pass_through if h not in on_server])
    total = sum(len(e) for e in expected.values())
    if len(ledger) != total or len(apache.documents()) != total:
        problems.append('%d ledger entries and %d server documents for %d inputs' %
                        (len(ledger), len(apache.documents()), total))
    return len(apache.documents()), duplicates, missing


def inputs_for(run, folder, images, big, offset, prefix):
    hashes = common.make_inputs(folder, images, offset, prefix)
    for name in make_pass_through(folder, big, run.rng, prefix):
        hashes[common.sha256_of(os.path.join(folder, name))] = name
    return hashes


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--cli', required=True)
    ap.add_argument('--files', type=int, default=18, help='per command (two thirds scans, a third pass-through)')
    ap.add_argument('--kills', type=int, default=50, help='in all')
    ap.add_argument('--budget', type=float, default=170)
    ap.add_argument('--seed', type=int, default=int(time.time()))
    args = ap.parse_args()
    if not shutil.which('apache2') or not shutil.which('htpasswd'):
        print('skipped: apache2 or htpasswd is not installed')
        return SKIP
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix='kill_outbox-') as root:
        run = OutboxRun(args, root)
        print('seed %d' % args.seed, flush=True)
        apache = Apache(os.path.join(root, 'apache'))
        problems, counts, expected, temps = [], [], {}, []
        documents = duplicates = missing = 0
        try:
            added = run.cli_run('profile', 'add', 'gw', '--url', apache.url, '--user', USER, '--folder', 'Mailroom',
                                '--remember-password', password=True)
            if added.returncode != 0:
                sys.exit('profile add failed: ' + added.stdout + added.stderr)
            big = max(1, args.files // 3)
            per_command = [args.kills // 3, args.kills // 3, args.kills - 2 * (args.kills // 3)]

            src_f = os.path.join(root, 'inputs-file')
            session_f = run.new_session()
            expected[session_f] = inputs_for(run, src_f, args.files - big, big, 0, 'filed')
            inputs = [os.path.join(src_f, n) for n in sorted(os.listdir(src_f))]
            run.rng.shuffle(inputs)
            landed, final = kill_file(run, session_f, per_command[0], inputs)
            if final.returncode != 0:
                problems.append('file: final run exited %d: %s %s' % (final.returncode, final.stdout, final.stderr))
            counts.append(('file --profile', landed))

            landed, final = kill_upload(run, per_command[1])
            if final.returncode != 0:
                problems.append('upload: final run exited %d: %s %s' % (final.returncode, final.stdout, final.stderr))
            counts.append(('upload', landed))

            src_w = os.path.join(root, 'inputs-watch')
            session_w = run.new_session()
            expected[session_w] = inputs_for(run, src_w, args.files - big, big, 1000, 'watched')
            landed, final, hot = kill_watch(run, session_w, per_command[2], src_w, sorted(os.listdir(src_w)))
            if final.returncode != 0:
                problems.append('watch: final run exited %d: %s %s' % (final.returncode, final.stdout, final.stderr))
            done = os.listdir(os.path.join(hot, 'done')) if os.path.isdir(os.path.join(hot, 'done')) else []
            if len(done) != len(expected[session_w]):
                problems.append('watch: %d of %d files in done/' % (len(done), len(expected[session_w])))
            counts.append(('watch --profile --upload', landed))

            documents, duplicates, missing = check(run, apache, [session_f, session_w], expected, problems)
            data = os.path.join(root, 'data', 'docdesk')
            # (mod_dav_fs's own .davfs.tmp* of a PUT cut off by a kill are Apache's, not counted.)
            temps = common.temp_files(data)
            outbox_dir = os.path.join(data, 'outbox')
            temps += [os.path.join(outbox_dir, n) for n in os.listdir(outbox_dir)]  # sent: nothing may stay
            staging = os.path.join(data, 'outbox-staging')
            if os.path.isdir(staging):
                temps += [os.path.join(d, n) for d, _, names in os.walk(staging) for n in names]
            problems += ['left behind: ' + t for t in temps]
        finally:
            apache.stop()
        for name, landed in counts:
            print('%s: kills landed %d' % (name, landed), flush=True)
        total_inputs = sum(len(e) for e in expected.values())
        print('total: kills landed %d, files %d, documents %d, duplicates %d, missing %d, temp files %d (%.0f s)' %
              (sum(n for _, n in counts), total_inputs, documents, duplicates, missing, len(temps),
               time.monotonic() - started), flush=True)
        for p in problems:
            print('FAIL: ' + p)
        return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
