#!/bin/sh
# Extract the messages marked with localized("...") (the library) and _("...") (the console's pages and components)
# into a temporary messages.pot, and merge them into each language's catalog
# (mailconsole/locales/<locale>/LC_MESSAGES/messages.po). New messages arrive untranslated: translate them, then run
# tests/i18n/test_catalogs.py, which fails while any message lacks its translation.
# The .po files are read at run time (mailconsole/i18n.py): there is nothing to compile.
# Usage: scripts/update_catalogs.sh   (from anywhere; needs the venv's pybabel: pip install -e .)
set -eu

root="$(cd "$(dirname "$0")/.." && pwd)"
pybabel="${PYBABEL:-$(dirname "$(command -v python3)")/pybabel}"
[ -x "$pybabel" ] || pybabel="$root/.venv/bin/pybabel"
locales="$root/mailconsole/locales"

pot="$(mktemp)"
trap 'rm -f "$pot"' EXIT

cd "$root"
# No source locations: they would change with every edit of the code and make merges of the catalogs conflict.
"$pybabel" extract -F babel.cfg --no-default-keywords -k localized -k _ --no-location --sort-output --width 120 \
    --project mailconsole --copyright-holder "mailconsole authors" -o "$pot" \
    mailconsole components app_pages console_app.py
for locale in zh_CN; do
    "$pybabel" update -i "$pot" -d "$locales" -l "$locale" --init-missing --no-fuzzy-matching --width 120 \
        --ignore-obsolete
done
# The extraction's date would change every catalog at every run, and make two branches' catalogs conflict.
for po in "$locales"/*/LC_MESSAGES/messages.po; do
    sed -i '/^"POT-Creation-Date: /d' "$po"
done
