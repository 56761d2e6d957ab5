#!/usr/bin/env bash
# Writes the seed corpus of every fuzz target into tests/fuzz/corpus/<target>/ (small files,
# generated here or written by hand below; nothing from outside the repository). Run it again
# after changing a seed; files whose name starts with "crash-" are inputs of crashes found by
# fuzzing and fixed, kept as regression tests, and are never touched by this script.
# Needs ImageMagick (convert), img2pdf and qpdf, which the test suite installs anyway.
set -euo pipefail
cd "$(dirname "$0")/corpus"
# (A bash string cannot hold a NUL byte: a first byte that picks a target's mode is a printable
# character of the right parity, e.g. "R" (even) and "A" (odd).)
seed() { mkdir -p "$1"; printf '%s' "$3" > "$1/$2"; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

# --- rules files
mkdir -p rules_file
grep -v '^\s*//' ../../../core/rules/rules.example.jsonc | head -c 3000 > rules_file/example-start.jsonc || true
seed rules_file minimal.jsonc '{"version": 1, "profiles": {"p": {}}}'
seed rules_file comments.jsonc '// c
{ /* b */ "profiles": {"a": {"separators": {"values": ["PATCHT"], "keep_page": true}, "blank_pages": "drop"}}}'
seed rules_file asn.jsonc '{"default_profile": "m", "profiles": {"m": {"asn": {"enabled": true, "prefix": "ASN", "split": true, "min": 1, "max": 99999, "symbologies": ["Code128", "QRCode"], "zone": {"left": 0.5, "top": 0, "right": 1, "bottom": 0.3}}, "tags": {"enabled": true, "prefix": "TAG:"}, "every_pages": 3, "per_file": false}}}'
seed rules_file fields.jsonc '{"profiles": {"f": {"split_on_change": {"pattern": "^INV-(\\d+)$", "field": "invoice"}, "fields": [{"name": "vendor", "pattern": "(?i)^vendor:(.+)$", "valid": {"pattern": "^[A-Z]+$", "min": 1, "max": 9}}], "folder": "{field:vendor|unsorted}/{date:%Y}", "file_name": "{field:asn|unknown}_{counter:04}", "crop": "off", "deskew": false, "split_receipts": false}}}'
seed rules_file bad-regex.jsonc '{"profiles": {"p": {"separators": {"pattern": "(["}}}}'

# --- profile bundles: first byte even ("B") = whole bundle, odd ("S") = payload to sign
seed profile_bundle bundle-shape.txt $'B{"docdesk_bundle": 1, "signer": "1a2b-3c4d-5e6f-7a8b", "payload": "e30=", "signature": "AAAA"}'
seed profile_bundle bundle-bad-version.txt $'B{"docdesk_bundle": 2, "payload": "", "signature": ""}'
seed profile_bundle payload-webdav.txt $'S{"profiles": [{"name": "archive", "connector": "webdav", "url": "https://dms.example.org/dav/", "caBundle": "/etc/docdesk/ca.pem", "pinnedPublicKey": "sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", "defaultFolder": "/inbox", "lockedSettings": ["url", "caBundle"]}]}'
seed profile_bundle payload-dates.txt $'S{"profiles": [{"name": "p", "connector": "cmis", "url": "https://c.example/browser", "user": "u", "rememberPassword": true}], "expires": "2099-01-01"}'
seed profile_bundle payload-paperless.txt $'S{"profiles": [{"name": "pl", "connector": "paperless", "url": "https://p.example/api/", "rules": "{}"}], "issued": "2026-12-05T04:30:00Z"}'

# --- vault header: magic, version 1, key source, limits, salt, nonce, ciphertext + tag
mkdir -p vault_header
python3 - <<'PY'
import struct
def vault(source, ops, mem, body=16):
    return b"DDVAULT\0" + bytes([1, source, 0, 0]) + struct.pack("<QQ", ops, mem) + bytes(range(16)) + bytes(range(24)) + b"\x42" * body
open("vault_header/keyring.bin", "wb").write(vault(1, 0, 0))
open("vault_header/passphrase.bin", "wb").write(vault(2, 3, 64 << 20, 40))
open("vault_header/huge-limits.bin", "wb").write(vault(2, 1 << 40, 1 << 62))
open("vault_header/truncated.bin", "wb").write(vault(1, 0, 0)[:40])
PY

# --- worker protocol: first byte even ("R") = request, odd ("A") = answer (second byte: operation,
#     "0" analyse, "1" count, "2" crop, "3" ocr)
seed worker_protocol req-analyse.txt $'R{"op": "analyse", "file": "/tmp/a.png", "media_type": "image/png", "page": 1, "dpi": 300}'
seed worker_protocol req-ocr.txt $'R{"op": "ocr", "file": "/tmp/a.pdf", "media_type": "application/pdf", "page": 2, "dpi": 200, "transforms": "{\\"rotation\\": 90}", "languages": "deu+eng"}'
seed worker_protocol req-crop.txt $'R{"op": "crop", "file": "/tmp/a.jpg", "page": 1, "dpi": 300, "mode": "bw", "out": "/tmp/out"}'
seed worker_protocol req-count.txt $'R{"op": "count", "file": "/tmp/a.tif"}'
seed worker_protocol req-bad-page.txt $'R{"op": "analyse", "file": "a", "page": -2147483648, "dpi": 1e308}'
seed worker_protocol ans-analyse.txt $'A0{"ok": true, "analysis": {"width": 10, "height": 10, "barcodes": []}}'
seed worker_protocol ans-count.txt $'A1{"ok": true, "pages": 3, "media_type": "application/pdf"}'
seed worker_protocol ans-crop.txt $'A2{"ok": true, "documents": [{"file": "/tmp/1.jpg", "width": 5, "height": 6, "cropped": true}]}'
seed worker_protocol ans-error.txt $'A3{"ok": false, "error": "analysis failed: the page needs more memory than allowed"}'
seed worker_protocol ans-odd.txt $'A0{"ok": "yes", "error": 5}'

# --- scan worker protocol: first byte even ("R") = a request as the worker reads it, odd ("A") =
#     a line from the worker as docdesk reads it
seed scan_protocol req-list.txt 'R{"op": "list", "driver": "sane"}'
seed scan_protocol req-options.txt 'R{"op": "options", "driver": "sane", "device": "test:0"}'
seed scan_protocol req-scan.txt 'R{"op": "scan", "driver": "sane", "device": "test:0", "settings": {"source": "adf", "mode": "gray", "resolution": 300, "encoding": "jpeg", "page_size": {"width_mm": 210, "height_mm": 297}, "brightness": -10, "contrast": 20}, "out_dir": "/tmp/docdesk-scan-1"}'
seed scan_protocol req-scan-defaults.txt 'R{"op": "scan", "settings": {"source": "default", "mode": "default", "resolution": 0, "encoding": "png", "page_size": null, "brightness": null, "contrast": null}, "out_dir": "/tmp/s"}'
seed scan_protocol req-cancel.txt 'R{"op":"cancel"}'
seed scan_protocol req-bad-types.txt 'R{"op": "scan", "driver": 7, "settings": {"resolution": 1e300, "brightness": "x"}, "out_dir": ["a"]}'
seed scan_protocol ans-devices.txt 'A{"ok": true, "devices": [{"name": "test:0", "vendor": "Noname", "model": "frontend-tester", "type": "virtual device"}, {"name": "test:1"}]}'
seed scan_protocol ans-options.txt 'A{"ok": true, "device": "test:0", "capabilities": {"sources": [{"kind": "flatbed", "name": "Flatbed"}, {"kind": "adf", "name": "Automatic Document Feeder"}, {"kind": "duplex", "name": "ADF Duplex"}], "modes": [{"kind": "color", "name": "Color"}, {"kind": "gray", "name": "Gray"}, {"kind": "lineart", "name": "Lineart"}], "resolutions": [75, 150, 300, 600], "resolution_range": {"min": 1, "max": 1200, "step": 1}, "max_page_size": {"width_mm": 215.9, "height_mm": 355.6}, "brightness": {"min": -100, "max": 100, "step": 0.5}, "contrast": null}}'
seed scan_protocol ans-started.txt 'A{"event": "started", "device": "test:0", "source": "Automatic Document Feeder", "mode": "Gray", "resolution": 300, "warnings": ["The scanner has no brightness setting; it was left out.", 5]}'
seed scan_protocol ans-progress.txt 'A{"event": "progress", "page": 2, "fraction": 0.42}'
seed scan_protocol ans-page.txt 'A{"event": "page", "page": 1, "file": "/tmp/docdesk-scan-1/page-0001.png", "media_type": "image/png", "width": 2480, "height": 3508, "dpi": 300, "source": "sane:test:0 (Flatbed)"}'
seed scan_protocol ans-page-dots.txt 'A{"event": "page", "page": 1e10, "file": "/tmp/docdesk-scan-1/..", "media_type": "text/html", "width": -1, "dpi": 1e999}'
seed scan_protocol ans-done.txt 'A{"event": "done", "ok": true, "pages": 3, "end": "feeder_empty"}'
seed scan_protocol ans-jammed.txt 'A{"event": "error", "ok": false, "status": "jammed", "error": "Paper jam in the feeder.", "pages": 2}'
seed scan_protocol ans-failure-bare.txt 'A{"ok": false}'
seed scan_protocol ans-odd-types.txt 'A{"ok": "yes", "status": 3, "devices": {"name": 1}, "capabilities": {"sources": [{"kind": "tray"}], "resolutions": [3e9]}}'

# --- gateway answers
seed cmis_answer repository.json '{"-default-": {"repositoryId": "-default-", "rootFolderUrl": "http://127.0.0.1:8080/cmis/browser/root/", "repositoryUrl": "http://127.0.0.1:8080/cmis/browser"}}'
seed cmis_answer object.json '{"succinctProperties": {"cmis:objectId": "abc", "cmis:name": "a.pdf", "cmis:baseTypeId": "cmis:document", "cmis:description": "docdesk-sha256:00", "cmis:contentStreamLength": 1234, "cmis:changeToken": "1"}}'
seed cmis_answer children.json '{"objects": [{"object": {"succinctProperties": {"cmis:name": ["x.pdf"], "cmis:baseTypeId": "cmis:folder", "cmis:contentStreamLength": "12"}}}], "hasMoreItems": true, "numItems": 1}'
seed cmis_answer error.json '{"exception": "nameConstraintViolation", "message": "An object with this name already exists"}'
seed paperless_answer task-id.json '"4d3c2b1a-0000-1111-2222-333344445555"'
seed paperless_answer task-object.json '{"task_id": "a1b2c3"}'
seed paperless_answer tasks.json '[{"task_id": "a1b2c3", "status": "SUCCESS", "result": "Success. New document id 12 created", "related_document": "12"}]'
seed paperless_answer tasks-paged.json '{"count": 1, "results": [{"task_id": "a1b2c3", "status": "FAILURE", "result": "Not consuming x.pdf: It is a duplicate.", "related_document": null}]}'
seed paperless_answer documents.json '{"count": 2, "next": null, "results": [{"id": 12, "title": "a"}, {"id": "13"}]}'
seed paperless_answer metadata.json '{"original_checksum": "d41d8cd98f00b204e9800998ecf8427e", "original_size": 1234, "original_mime_type": "application/pdf"}'
seed webdav_answer listing.xml '<?xml version="1.0" encoding="utf-8"?><D:multistatus xmlns:D="DAV:"><D:response><D:href>/dav/Invoices/</D:href><D:propstat><D:prop><D:resourcetype><D:collection/></D:resourcetype></D:prop><D:status>HTTP/1.1 200 OK</D:status></D:propstat></D:response><D:response><D:href>http://127.0.0.1/dav/Invoices/a%20b.pdf</D:href><D:propstat><D:prop><D:resourcetype/><D:getcontentlength>1234</D:getcontentlength><D:getetag>"abc"</D:getetag></D:prop><D:status>HTTP/1.1 200 OK</D:status></D:propstat></D:response></D:multistatus>'
seed webdav_answer proppatch.xml '<?xml version="1.0"?><d:multistatus xmlns:d="DAV:"><d:response><d:href>/dav/a.pdf</d:href><d:propstat><d:prop><x:sha256 xmlns:x="urn:x-docdesk:fields"/></d:prop><d:status>HTTP/1.1 403 Forbidden</d:status></d:propstat></d:response></d:multistatus>'
seed webdav_answer fields.xml '<?xml version="1.0"?><D:multistatus xmlns:D="DAV:" xmlns:ns1="urn:x-docdesk:fields"><D:response><D:href>/dav/a.pdf</D:href><D:propstat><D:prop><ns1:sha256>00ff</ns1:sha256><ns1:field.vendor>ACME &amp; Co &#x41;</ns1:field.vendor><ns1:title/></D:prop><D:status>HTTP/1.1 200 OK</D:status></D:propstat></D:response></D:multistatus>'

# --- media types and page decoders: tiny images of every kind, PDFs, other files
mkdir -p media_type page_decoder
convert -size 8x6 xc:red -fill blue -draw 'point 1,1' "$tmp/p.png"
convert -size 8x6 gradient:white-black -quality 50 "$tmp/p.jpg"
convert -size 8x6 xc:gray -compress lzw "$tmp/p.tif"
convert -size 8x6 xc:white -monochrome -compress group4 "$tmp/g4.tif"
convert -size 8x6 xc:white -size 8x6 xc:black -compress lzw "$tmp/two.tif"
convert -size 8x6 xc:green "BMP3:$tmp/p.bmp"
convert -size 8x6 xc:yellow "$tmp/p.webp" 2>/dev/null || true
img2pdf --pagesize 20x15 -o "$tmp/jpeg.pdf" "$tmp/p.jpg"
img2pdf --pagesize 20x15 -o "$tmp/png.pdf" "$tmp/p.png"
img2pdf --pagesize 20x15 -o "$tmp/g4.pdf" "$tmp/g4.tif"
printf '%%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 30 20]/Contents 4 0 R>>endobj\n4 0 obj<</Length 21>>stream\n0 0 m 10 10 l S\nendstream endobj\ntrailer<</Root 1 0 R>>\n%%%%EOF\n' > "$tmp/vector.pdf"
qpdf --qdf --object-streams=disable "$tmp/jpeg.pdf" "$tmp/qdf.pdf" 2>/dev/null || cp "$tmp/jpeg.pdf" "$tmp/qdf.pdf"
for f in p.png p.jpg p.tif g4.tif two.tif p.bmp p.webp jpeg.pdf png.pdf g4.pdf vector.pdf; do
  [[ -f "$tmp/$f" ]] || continue
  cp "$tmp/$f" "page_decoder/$f"
  head -c 1024 "$tmp/$f" > "media_type/$f"
done
printf 'PK\003\004\024\000\000\000\010\000[Content_Types].xmlword/document.xml' > media_type/docx-head.bin
printf '\320\317\021\340\241\261\032\341\000\000\000\000' > media_type/ole2.bin
printf 'From: a@example.org\r\nTo: b@example.org\r\nSubject: hi\r\n\r\nbody\r\n' > media_type/mail.eml
printf '{\\rtf1\\ansi hello}' > media_type/doc.rtf
printf '<?xml version="1.0"?><root/>' > media_type/x.xml
printf 'GIF89a\001\000\001\000' > media_type/g.gif
printf 'a;b;c\n1;2;3\n' > media_type/t.csv
printf '\037\213\010\000' > media_type/gz.bin
