#!/usr/bin/env python3
"""Fault test: a generated corpus of broken and malicious files next to good ones, pushed through
every way files enter docdesk: `import`, the hot folder (`watch --once --target`), analysis
(`inspect`), filing (`file --target`) and upload (`file --profile` into the outbox, then `upload`
to a fake WebDAV server on 127.0.0.1, FakeWebDav below).

The corpus: truncated JPEG/PNG/TIFF, decompression bombs (huge declared dimensions, and a PNG
that really inflates to 256 megapixels), PDFs with reference loops, a self-referencing xref
chain, huge objects and a huge page, TIFFs with absurd tags and an IFD loop, a zip bomb
(100 MB of zeros) as a pass-through file, and good files with names holding a newline,
backslashes and "..", one given as a path through "../".

Every command must end normally (exit 0 or 1, no signal, no sanitizer or terminate report),
name every refused file with a message, go on with the rest of the batch, and file every good
file (the pass-through zip byte for byte). Bombs must never be stored as pages or filed. The
upload must send nothing outside the profile's folder. Each command must end within its budget
and the whole run within TOTAL_BUDGET_SECONDS (below): a file that keeps a decoder busy must
not hold up the batch. Prints its counts and time per command.

Usage: hostile_inputs.py --cli PATH
"""
import argparse
import hashlib
import http.server
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import zlib

GOOD = 'good'            # must be stored and filed
PASS = 'pass-through'    # must be filed byte for byte, never opened
BOMB = 'bomb'            # must be refused with a message, never stored as a page
EITHER = 'either'        # damaged: filed if it can be read, else refused with a message

# Budgets (hang detectors, not performance checks): each command of a case, and the watch
# case, which takes the whole corpus through the hot folder with filing. Without a hang each
# command takes a few seconds; one decoder stuck on a file would cost the worker's time limit
# per page (60 s) and outrun these.
COMMAND_BUDGET_SECONDS = 45
WATCH_BUDGET_SECONDS = 45
# ... and the whole run (about 75 s on the shared 2-core machine under load); ctest's TIMEOUT
# in tests/CMakeLists.txt is above it.
TOTAL_BUDGET_SECONDS = 150

CRASH_MARKS = ('AddressSanitizer', 'UndefinedBehaviorSanitizer', 'runtime error:', 'terminate called',
               'Segmentation fault', 'Aborted', 'core dumped')


# ---------------------------------------------------------------- the corpus

def png(width, height, rgb=None, grey_rows=None, text_of=None):
    """A PNG: `rgb` one colour (8-bit RGB), `text_of` a page of that paper colour with lines of
    text, or `grey_rows` the compressed rows of a grey image."""
    def chunk(tag, data):
        return struct.pack('>I', len(data)) + tag + data + struct.pack('>I', zlib.crc32(tag + data) & 0xffffffff)
    if rgb is not None:
        raw = b''.join(b'\x00' + bytes(rgb) * width for _ in range(height))
    elif text_of is not None:
        # Paper with dark bars where lines of text would be, so no analysis takes it for blank.
        rows = []
        for y in range(height):
            if 40 <= y < height - 40 and y % 20 < 7:
                length = 40 + (y * 37 + text_of[0]) % (width - 100)
                row = bytes(text_of) * 30 + b'\x20\x20\x20' * length + bytes(text_of) * (width - 30 - length)
            else:
                row = bytes(text_of) * width
            rows.append(b'\x00' + row)
        raw = b''.join(rows)
    if grey_rows is None:
        ihdr = struct.pack('>IIBBBBB', width, height, 8, 2, 0, 0, 0)
        idat = zlib.compress(raw)
    else:
        ihdr = struct.pack('>IIBBBBB', width, height, 8, 0, 0, 0, 0)
        idat = grey_rows
    return b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', ihdr) + chunk(b'IDAT', idat) + chunk(b'IEND', b'')


def inflating_png(width, height):
    """A grey PNG whose IDAT inflates to width x height zero pixels (compressed on the fly)."""
    z = zlib.compressobj(9)
    row = b'\x00' * (width + 1)
    parts = [z.compress(row) for _ in range(height)]
    parts.append(z.flush())
    return png(width, height, grey_rows=b''.join(parts))


def jpeg(path, spec):
    subprocess.run(['convert', '-size', '400x300', spec, '-quality', '85', path], check=True)
    with open(path, 'rb') as f:
        return f.read()


def patch_jpeg_size(data, width, height):
    """The JPEG with its frame header (SOF0/SOF2) declaring width x height."""
    i = 2
    while i + 4 < len(data):
        marker, length = data[i + 1], struct.unpack('>H', data[i + 2:i + 4])[0]
        if marker in (0xC0, 0xC1, 0xC2):
            return data[:i + 5] + struct.pack('>HH', height, width) + data[i + 9:]
        i += 2 + length
    raise RuntimeError('no frame header')


def tiff(entries, extra=b'', next_ifd=0, ifd_at=8):
    """A little-endian TIFF with one IFD of (tag, type, count, value) at `ifd_at`, `extra` after."""
    head = b'II*\x00' + struct.pack('<I', ifd_at)
    ifd = struct.pack('<H', len(entries))
    for tag, typ, count, value in sorted(entries):
        ifd += struct.pack('<HHII', tag, typ, count, value)
    ifd += struct.pack('<I', next_ifd)
    return head + b'\x00' * (ifd_at - 8) + ifd + extra


def tiff_gray(width, height, pixels_at, strip_bytes, bits=8, samples=1):
    return [(256, 4, 1, width), (257, 4, 1, height), (258, 3, 1, bits), (259, 3, 1, 1), (262, 3, 1, 1),
            (273, 4, 1, pixels_at), (277, 3, 1, samples), (278, 4, 1, height), (279, 4, 1, strip_bytes)]


def pdf(objects, trailer_extra=b'', broken_xref=False):
    """A PDF of numbered object bodies (1-based) with a correct xref table."""
    out = b'%PDF-1.7\n'
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b'%d 0 obj\n' % n + body + b'\nendobj\n'
    xref = len(out)
    out += b'xref\n0 %d\n0000000000 65535 f \n' % (len(objects) + 1)
    for off in offsets:
        out += b'%010d 00000 n \n' % off
    prev = b'/Prev %d ' % xref if broken_xref else b''
    out += b'trailer\n<< /Size %d /Root 1 0 R %s%s>>\nstartxref\n%d\n%%%%EOF\n' % (
        len(objects) + 1, prev, trailer_extra, xref)
    return out


def page_pdf(media_box=b'[0 0 200 200]', contents=b'0 0 m 100 100 l S', resources=b'<<>>', extra=()):
    stream = b'<< /Length %d >>\nstream\n' % len(contents) + contents + b'\nendstream'
    return pdf([b'<< /Type /Catalog /Pages 2 0 R >>',
                b'<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
                b'<< /Type /Page /Parent 2 0 R /MediaBox ' + media_box + b' /Contents 4 0 R /Resources ' +
                resources + b' >>',
                stream, *extra])


def make_corpus(folder, tmp):
    """Writes the corpus; returns [(path, expectation, what)]."""
    os.makedirs(folder, exist_ok=True)
    files = []

    def add(name, data, expect, what):
        path = os.path.join(folder, name)
        with open(path, 'wb') as f:
            f.write(data)
        files.append((path, expect, what))

    good_jpeg = jpeg(os.path.join(tmp, 'g1.jpg'), 'gradient:navy-gold')
    add('good-photo.jpg', good_jpeg, GOOD, 'a good JPEG')
    add('good-scan.png', png(300, 400, text_of=(250, 250, 245)), GOOD, 'a good PNG')
    add('name with\nnewline.png', png(300, 400, text_of=(200, 230, 250)), GOOD, 'a good PNG named with a newline')
    # (Not starting with ".": a hidden name is one a writer has not finished, which a hot
    # folder leaves alone by design.)
    add('a..\\..\\backslashes..png', png(300, 400, text_of=(230, 250, 200)), GOOD, 'a good PNG named with backslashes')
    add('-looks-like-an-option.png', png(300, 400, text_of=(250, 200, 230)), GOOD, 'a good PNG named like an option')
    os.makedirs(os.path.join(folder, 'sub'), exist_ok=True)

    add('truncated-half.jpg', good_jpeg[:len(good_jpeg) // 2], EITHER, 'a JPEG cut in half')
    add('truncated-header.jpg', good_jpeg[:120], EITHER, 'a JPEG cut inside its header')
    good_png = png(320, 240, text_of=(10, 120, 200))
    add('truncated.png', good_png[:len(good_png) - 40], EITHER, 'a PNG cut inside its image data')
    good_tif = subprocess.run(['convert', '-size', '300x200', 'gradient:white-black', '-compress', 'lzw',
                               'tiff:-'], check=True, capture_output=True).stdout
    add('truncated.tif', good_tif[:len(good_tif) // 3], EITHER, 'a TIFF cut to a third')

    add('bomb-declared.png', png(100000, 100000, grey_rows=zlib.compress(b'\x00' * 1000)), BOMB,
        'a PNG declaring 100000 x 100000 pixels')
    add('bomb-inflating.png', inflating_png(16000, 16000), BOMB, 'a PNG inflating to 16000 x 16000 pixels')
    add('bomb.jpg', patch_jpeg_size(good_jpeg, 65000, 65000), BOMB, 'a JPEG declaring 65000 x 65000 pixels')
    add('bomb.tif', tiff(tiff_gray(200000, 200000, 200, 16)[:], extra=b'\x00' * 300), BOMB,
        'a TIFF declaring 200000 x 200000 pixels')
    add('bomb-page.pdf', page_pdf(media_box=b'[0 0 3000000 3000000]'), BOMB,
        'a PDF page of 1 km x 1 km')

    add('absurd-tags.tif', tiff([(256, 4, 1, 0xFFFFFFFF), (257, 4, 1, 0xFFFFFFFF), (258, 3, 1, 65535),
                                 (259, 3, 1, 65535), (262, 3, 1, 65535), (273, 4, 1, 0xFFFFFF00),
                                 (277, 3, 1, 65535), (278, 4, 1, 0), (279, 4, 1, 0xFFFFFFFF)]), EITHER,
        'a TIFF with absurd tags (sizes, samples, strips past the end)')
    add('ifd-loop.tif', tiff(tiff_gray(4, 4, 200, 16), extra=b'\x80' * 300, next_ifd=8), EITHER,
        'a TIFF whose next directory is itself')
    add('zero-strips.tif', tiff(tiff_gray(64, 64, 0, 0)), EITHER, 'a TIFF with an empty strip')

    add('loop-kids.pdf', pdf([b'<< /Type /Catalog /Pages 2 0 R >>',
                              b'<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >>',
                              b'<< /Type /Page /Parent 2 0 R /MediaBox [0 0 100 100] >>']), EITHER,
        'a PDF page tree that contains itself')
    add('loop-length.pdf', pdf([b'<< /Type /Catalog /Pages 2 0 R >>',
                                b'<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
                                b'<< /Type /Page /Parent 2 0 R /MediaBox [0 0 100 100] /Contents 4 0 R >>',
                                b'<< /Length 4 0 R >>\nstream\n0 0 m 9 9 l S\nendstream']), EITHER,
        'a PDF stream whose length refers to itself')
    add('loop-xref.pdf', page_pdf() and pdf([b'<< /Type /Catalog /Pages 2 0 R >>',
                                             b'<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
                                             b'<< /Type /Page /Parent 2 0 R /MediaBox [0 0 100 100] >>'],
                                            broken_xref=True), EITHER,
        'a PDF whose xref chain points to itself')
    add('huge-count.pdf', pdf([b'<< /Type /Catalog /Pages 2 0 R >>',
                               b'<< /Type /Pages /Kids [3 0 R] /Count 2147483647 >>',
                               b'<< /Type /Page /Parent 2 0 R /MediaBox [0 0 100 100] >>']), EITHER,
        'a PDF claiming 2^31 pages')
    image = b'<< /Type /XObject /Subtype /Image /Width 1000000 /Height 1000000 /ColorSpace /DeviceGray ' \
            b'/BitsPerComponent 8 /Length 2147483647 >>\nstream\n' + b'\x00' * 64 + b'\nendstream'
    add('huge-image.pdf', page_pdf(contents=b'q 200 0 0 200 0 0 cm /Im0 Do Q',
                                   resources=b'<< /XObject << /Im0 5 0 R >> >>', extra=[image]), EITHER,
        'a PDF page drawing a 10^12-pixel image with a 2 GB stream length')
    add('not-a-pdf.pdf', b'%PDF-1.4\n' + os.urandom(2000), EITHER, 'random bytes behind a PDF header')
    add('empty.jpg', b'', EITHER, 'an empty file named .jpg')

    # The zip bomb: 100 MB of zeros in one entry. docdesk must file it as it is, not open it.
    z = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = b'\x00' * (1 << 20)
    deflated = b''.join(z.compress(block) for _ in range(100)) + z.flush()
    size = 100 << 20
    crc = 0
    for _ in range(100):
        crc = zlib.crc32(block, crc)
    name = b'zeros.bin'
    local = struct.pack('<IHHHHHIIIHH', 0x04034b50, 20, 0, 8, 0, 0, crc, len(deflated), size, len(name), 0) + name
    central = struct.pack('<IHHHHHHIIIHHHHHII', 0x02014b50, 20, 20, 0, 8, 0, 0, crc, len(deflated), size,
                          len(name), 0, 0, 0, 0, 0, 0) + name
    end = struct.pack('<IHHHHIIH', 0x06054b50, 0, 0, 1, 1, len(central), len(local) + len(deflated), 0)
    add('zip-bomb.zip', local + deflated + central + end, PASS, 'a zip bomb (100 MB of zeros)')
    return files


# ---------------------------------------------------------------- the fake gateway

class FakeWebDav(http.server.ThreadingHTTPServer):
    """Just enough WebDAV (MKCOL, PUT with If-None-Match, PROPPATCH, PROPFIND, GET) for
    WebDavConnector; keeps what was put, and every request path that would leave /dav/."""

    def __init__(self):
        self.files = {}
        self.folders = {'/dav/'}
        self.escapes = []
        self.lock = threading.Lock()
        super().__init__(('127.0.0.1', 0), FakeWebDavHandler)

    @property
    def url(self):
        return 'http://127.0.0.1:%d/dav/' % self.server_address[1]


class FakeWebDavHandler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def path_of(self):
        path = urllib.parse.unquote(urllib.parse.urlsplit(self.path).path)
        if '..' in path.split('/') or not path.startswith('/dav/'):
            with self.server.lock:
                self.server.escapes.append(path)
            return None
        return path

    def answer(self, status, body=b'', headers=()):
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def body(self):
        return self.rfile.read(int(self.headers.get('Content-Length', '0')))

    def do_MKCOL(self):
        path = self.path_of()
        if path is None:
            return self.answer(403)
        with self.server.lock:
            if path in self.server.folders:
                return self.answer(405)
            self.server.folders.add(path)
        self.answer(201)

    def do_PUT(self):
        path = self.path_of()
        data = self.body()
        if path is None:
            return self.answer(403)
        with self.server.lock:
            if path in self.server.files and self.headers.get('If-None-Match') == '*':
                return self.answer(412)
            self.server.files[path] = data
        self.answer(201)

    def do_GET(self):
        path = self.path_of()
        with self.server.lock:
            data = self.server.files.get(path) if path else None
        self.answer(200, data) if data is not None else self.answer(404)

    def do_PROPPATCH(self):
        self.body()
        if self.path_of() is None:
            return self.answer(403)
        self.answer(207, b'<?xml version="1.0"?><D:multistatus xmlns:D="DAV:"><D:response><D:propstat>'
                         b'<D:status>HTTP/1.1 200 OK</D:status></D:propstat></D:response></D:multistatus>',
                    [('Content-Type', 'application/xml')])

    def do_PROPFIND(self):
        self.body()
        path = self.path_of()
        if path is None:
            return self.answer(403)
        with self.server.lock:
            data = self.server.files.get(path)
            folder = path in self.server.folders or path + '/' in self.server.folders
        if data is None and not folder:
            return self.answer(404)
        if folder:
            prop = b'<D:resourcetype><D:collection/></D:resourcetype>'
        else:
            prop = (b'<D:resourcetype/><D:getcontentlength>%d</D:getcontentlength><D:getetag>"%s"</D:getetag>' %
                    (len(data), hashlib.md5(data).hexdigest().encode()))
        href = urllib.parse.quote(path).encode()
        self.answer(207, b'<?xml version="1.0"?><D:multistatus xmlns:D="DAV:"><D:response><D:href>' + href +
                    b'</D:href><D:propstat><D:prop>' + prop + b'</D:prop><D:status>HTTP/1.1 200 OK</D:status>'
                    b'</D:propstat></D:response></D:multistatus>', [('Content-Type', 'application/xml')])


# ---------------------------------------------------------------- running the commands

class Run:
    def __init__(self, cli, root):
        self.cli = cli
        self.root = root
        self.env = dict(os.environ, XDG_DATA_HOME=os.path.join(root, 'data'),
                        XDG_CONFIG_HOME=os.path.join(root, 'config'), LC_ALL='C.UTF-8', LANGUAGE='',
                        DBUS_SESSION_BUS_ADDRESS='unix:path=' + os.path.join(root, 'no-bus'),
                        DOCDESK_PASSPHRASE_FD='0', DOCDESK_PASSWORD_FD='0')
        self.problems = []
        self.deadline = time.monotonic() + TOTAL_BUDGET_SECONDS

    def cli_run(self, what, *argv, stdin='', timeout=COMMAND_BUDGET_SECONDS):
        """Runs the CLI; None (and a problem) when it outran `timeout` seconds: a hostile file
        that keeps a decoder busy must cost its own time limit at most, never the batch's."""
        left = self.deadline - time.monotonic()
        if left <= 0:
            self.problems.append('%s: not run, the run is past its budget of %d s' % (what, TOTAL_BUDGET_SECONDS))
            return None
        timeout = min(timeout, left)
        try:
            r = subprocess.run([self.cli, *argv], env=self.env, input=stdin, capture_output=True, text=True,
                               errors='replace', timeout=timeout)
        except subprocess.TimeoutExpired:
            self.problems.append('%s: still running after its budget of %.0f s' % (what, timeout))
            return None
        if r.returncode not in (0, 1):
            self.problems.append('%s: exit %d (expected 0 or 1): %s' % (what, r.returncode, r.stderr[-2000:]))
        for mark in CRASH_MARKS:
            if mark in r.stdout + r.stderr:
                self.problems.append('%s: "%s" in the output: %s' % (what, mark, (r.stdout + r.stderr)[-3000:]))
        return r

    def check(self, condition, message):
        if not condition:
            self.problems.append(message)


def json_lines(text):
    out = []
    for line in text.splitlines():
        line = line.strip()
        if line.startswith('{'):
            try:
                out.append(json.loads(line))
            except ValueError:
                pass
    return out


def sha256_of(path):
    h = hashlib.sha256()
    with open(path, 'rb') as f:
        for block in iter(lambda: f.read(1 << 20), b''):
            h.update(block)
    return h.hexdigest()


def archive_files(folder):
    return [os.path.join(d, n) for d, _, names in os.walk(folder) for n in names]


def inside(folder, path):
    return os.path.realpath(path).startswith(os.path.realpath(folder) + os.sep)


def check_filed(run, what, files, archive):
    """Good files: one document each in the archive; the pass-through byte for byte; nothing
    outside the archive. Returns the number of documents."""
    docs = [f for f in archive_files(archive) if not os.path.basename(f).startswith('.')]
    good = [p for p, e, _ in files if e == GOOD]
    run.check(len(docs) >= len(good) + 1, '%s: %d documents in the archive for %d good files and the zip' %
              (what, len(docs), len(good)))
    hashes = {sha256_of(d) for d in docs}
    for p, e, _ in files:
        if e == PASS:
            run.check(sha256_of(p) in hashes, '%s: %s is not in the archive byte for byte' % (what, p))
    for d in docs:
        run.check(inside(archive, d), '%s: %s was written outside the archive' % (what, d))
    return len(docs)


def errors_by_file(run, what, lines, key, files):
    """The per-file error messages of JSON output lines; checks bombs are among them."""
    errors = {}
    for j in lines:
        # A document made of pages of several files names them all ("sources").
        if j.get(key):
            named = [j[key]]
        else:
            named = j.get('sources', []) if key == 'source' else []
        if 'error' in j:
            for source in named:
                errors.setdefault(os.path.realpath(source), []).append(j['error'])
    for p, e, description in files:
        msgs = errors.get(os.path.realpath(p), [])
        if e == BOMB:
            run.check(msgs, '%s: %s (%s) was not refused with a message' % (what, p, description))
        for m in msgs:
            run.check(isinstance(m, str) and len(m.strip()) > 10, '%s: %s: unclear message %r' % (what, p, m))
            if e in (GOOD, PASS):
                run.problems.append('%s: the good file %s was refused: %s' % (what, p, m))
    return errors


def import_case(run, files):
    r = run.cli_run('import', 'import', '--new-session', '--json', *[p for p, _, _ in files])
    if r is None:
        return
    lines = json_lines(r.stdout)
    run.check(len(lines) == len(files), 'import: %d answer lines for %d files' % (len(lines), len(files)))
    # Import only stores originals (a bomb's bytes are small); images declaring too many pixels
    # are refused here already, a PDF page too large for its resolution only when it is decoded.
    errors = errors_by_file(run, 'import', lines, 'file', [(p, EITHER if e == BOMB else e, d) for p, e, d in files])
    stored = {os.path.realpath(j['file']): j['pages'] for j in lines if 'pages' in j}
    for p, e, _ in files:
        if e in (GOOD, PASS):
            run.check(os.path.realpath(p) in stored, 'import: the good file %s was not stored' % p)
    run.check(r.returncode == 1, 'import: exit %d with refused files (expected 1)' % r.returncode)
    print('import: files %d, stored %d, refused with a message %d, exit %d' %
          (len(files), len(stored), len(errors), r.returncode), flush=True)


def inspect_case(run, files):
    pages = [p for p, e, _ in files if e != PASS]
    r = run.cli_run('inspect', 'inspect', '--json', '--dpi', '72', *pages)
    if r is None:
        return
    lines = json_lines(r.stdout)
    errors = errors_by_file(run, 'inspect', lines, 'source', [f for f in files if f[1] != PASS])
    analysed = {os.path.realpath(j['source']) for j in lines if 'error' not in j and 'source' in j}
    for p, e, _ in files:
        if e == GOOD:
            run.check(os.path.realpath(p) in analysed, 'inspect: the good file %s was not analysed' % p)
        if e == BOMB:
            run.check(os.path.realpath(p) not in analysed, 'inspect: the bomb %s was analysed' % p)
    print('inspect: files %d, analysed %d, refused with a message %d, exit %d' %
          (len(pages), len(analysed), len(errors), r.returncode), flush=True)


def file_case(run, files):
    archive = os.path.join(run.root, 'archive-file')
    # --per-file: unrelated files, each a document (by default the pages of PDF and TIFF files
    # given together make one document, as a feeder batch delivered as files does, and a
    # document with a refused page is not filed, naming all its files).
    r = run.cli_run('file', 'file', '--json', '--per-file', '--target', archive, *[p for p, _, _ in files])
    if r is None:
        return
    lines = json_lines(r.stdout)
    errors = errors_by_file(run, 'file', lines, 'source', files)
    docs = check_filed(run, 'file', files, archive)
    not_filed = [j for j in lines if 'error' in j and 'source' not in j]
    for j in not_filed:
        run.check(len(j['error'].strip()) > 10, 'file: unclear message %r' % j['error'])
    print('file: files %d, documents filed %d, files refused %d, documents not filed %d, exit %d' %
          (len(files), docs, len(errors), len(not_filed), r.returncode), flush=True)


def watch_case(run, files):
    hot = os.path.join(run.root, 'hot')
    archive = os.path.join(run.root, 'archive-watch')
    os.makedirs(hot)
    for p, _, _ in files:
        shutil.copyfile(p, os.path.join(hot, os.path.basename(p)))
    # A session of its own: the last one (of the file case) holds these files filed already,
    # and a watch does not file what was filed before.
    r = run.cli_run('watch', 'watch', '--once', '--new-session', '--json', '--settle', '0.1', '--target', archive, hot,
                    timeout=WATCH_BUDGET_SECONDS)
    if r is None:
        return
    done = os.listdir(os.path.join(hot, 'done')) if os.path.isdir(os.path.join(hot, 'done')) else []
    failed_dir = os.path.join(hot, 'failed')
    failed = [n for n in os.listdir(failed_dir) if not n.endswith('.error.txt')] if os.path.isdir(failed_dir) else []
    left = [n for n in os.listdir(hot) if n not in ('done', 'failed')]
    run.check(not left, 'watch: files left in the hot folder: %r' % left)
    for p, e, description in files:
        name = os.path.basename(p)
        if e in (GOOD, PASS):
            run.check(name in done, 'watch: the good file %r is not in done/' % name)
        if e == BOMB:
            run.check(name in failed, 'watch: the bomb %r (%s) is not in failed/' % (name, description))
        if name in failed:
            reason = os.path.join(failed_dir, name + '.error.txt')
            text = open(reason, encoding='utf-8', errors='replace').read() if os.path.exists(reason) else ''
            run.check(len(text.strip()) > 10, 'watch: %r is in failed/ without a clear reason: %r' % (name, text))
    docs = check_filed(run, 'watch', files, archive)
    print('watch: files %d, in done/ %d, in failed/ %d, documents filed %d, exit %d' %
          (len(files), len(done), len(failed), docs, r.returncode), flush=True)


def upload_case(run, files):
    server = FakeWebDav()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    passphrase = 'hostile inputs passphrase\n'
    try:
        added = run.cli_run('profile add', 'profile', 'add', 'fake', '--connector', 'webdav', '--url', server.url,
                            '--user', 'mailroom', stdin=passphrase)
        if added is None:
            return
        run.check(added.returncode == 0, 'upload: profile add failed: ' + added.stderr)
        filed = run.cli_run('file --profile', 'file', '--json', '--per-file', '--profile', 'fake',
                            *[p for p, _, _ in files])
        if filed is None:
            return
        errors_by_file(run, 'file --profile', json_lines(filed.stdout), 'source', files)
        listing = run.cli_run('upload --list', 'upload', '--list', '--json')
        up = run.cli_run('upload', 'upload', '--profile', 'fake', '--all', '--json', stdin=passphrase + 'secret\n')
        if listing is None or up is None:
            return
        listed = json_lines(listing.stdout)
        results = json_lines(up.stdout)
        delivered = [j for j in results if j.get('status') == 'delivered']
        for j in results:
            if j.get('status') != 'delivered':
                run.check(len(str(j.get('error', '')).strip()) > 10, 'upload: unclear message %r' % j)
        good = sum(1 for _, e, _ in files if e in (GOOD, PASS))
        run.check(len(delivered) >= good, 'upload: %d delivered for %d good files' % (len(delivered), good))
        run.check(len(server.files) == len(delivered), 'upload: %d files on the server, %d delivered' %
                  (len(server.files), len(delivered)))
        run.check(not server.escapes, 'upload: requests outside the folder: %r' % server.escapes)
        zip_hash = [sha256_of(p) for p, e, _ in files if e == PASS]
        on_server = {hashlib.sha256(d).hexdigest() for d in server.files.values()}
        run.check(all(h in on_server for h in zip_hash), 'upload: the zip is not on the server byte for byte')
        print('upload: files %d, outbox items %d, delivered %d, on the server %d, escapes %d, exit %d' %
              (len(files), len(listed), len(delivered), len(server.files), len(server.escapes), up.returncode),
              flush=True)
    finally:
        server.shutdown()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--cli', required=True)
    parser.add_argument('--keep', action='store_true', help='keep the temporary folder')
    args = parser.parse_args()
    root = tempfile.mkdtemp(prefix='docdesk-hostile-')
    try:
        run = Run(args.cli, root)
        files = make_corpus(os.path.join(root, 'in'), root)
        # One good file given through "../", as a path a user might type.
        dots = os.path.join(root, 'in', 'sub', '..', 'dots.png')
        with open(dots, 'wb') as f:
            f.write(png(300, 400, text_of=(180, 180, 255)))
        files.append((dots, GOOD, 'a good PNG given as in/sub/../dots.png'))
        print('corpus: %d files (%d good, %d pass-through, %d bombs, %d damaged)' % (
            len(files), sum(e == GOOD for _, e, _ in files), sum(e == PASS for _, e, _ in files),
            sum(e == BOMB for _, e, _ in files), sum(e == EITHER for _, e, _ in files)), flush=True)
        for case in (import_case, inspect_case, file_case, watch_case, upload_case):
            before = len(run.problems)
            started = time.monotonic()
            case(run, files)
            print('  (%s: %.1f s)' % (case.__name__, time.monotonic() - started), flush=True)
            for p in run.problems[before:]:
                print('  PROBLEM ' + p, flush=True)
        print('problems: %d' % len(run.problems))
        return 1 if run.problems else 0
    finally:
        if args.keep:
            print('kept ' + root)
        else:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == '__main__':
    sys.exit(main())
