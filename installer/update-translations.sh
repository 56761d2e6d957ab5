#!/usr/bin/env bash
# Extracts every translatable string (tr/trf/DD_N in core, capture and the CLI; _() and
# wxPLURAL in the GUI) into installer/po/docdesk.pot and merges it into each language's .po.
# Run after changing user-visible strings, then translate the new entries.
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t sources < <(git ls-files '*.cpp' '*.h' | grep -E '^(core|capture|platform|app)/' | sort)
xgettext --language=C++ --from-code=UTF-8 --add-comments=TRANSLATORS: \
  --keyword=tr --keyword=trf --keyword=trn:1,2 --keyword=trnf:1,2 --keyword=DD_N --keyword=_ --keyword=wxPLURAL:1,2 \
  --keyword=wxTRANSLATE --package-name=docdesk --msgid-bugs-address=none \
  --sort-by-file -o installer/po/docdesk.pot "${sources[@]}"
for po in installer/po/*.po; do
  msgmerge --quiet --update --backup=none --no-fuzzy-matching "$po" installer/po/docdesk.pot
done
# Reports untranslated entries so a forgotten string is visible.
for po in installer/po/*.po; do
  echo "$po: $(msgfmt --statistics -o /dev/null "$po" 2>&1)"
done
