#!/bin/sh
# Extract the messages marked with localized("...") from mailconsole/ (a temporary messages.pot), and merge them into each
# language's catalog (mailconsole/locales/<locale>/LC_MESSAGES/messages.po). New messages arrive untranslated:
# translate them, then run tests/test_i18n.py, which fails while any message lacks its translation.
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
"$pybabel" extract -F babel.cfg --no-default-keywords -k localized --no-location --sort-output --width 120 \
    --project mailconsole --copyright-holder "mailconsole authors" -o "$pot" mailconsole
for locale in zh_CN; do
    "$pybabel" update -i "$pot" -d "$locales" -l "$locale" --init-missing --no-fuzzy-matching --width 120 \
        --ignore-obsolete
done
