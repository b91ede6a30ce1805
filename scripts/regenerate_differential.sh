#!/bin/sh
# Regenerate the differential cases (tests/rendering/differential.json): template and data pairs taken from the
# engines' own test suites (handlebars.js' spec files, the mustache spec, ejs' tests) and seeded, generated mail
# templates, each rendered by handlebars.js and ejs on Node (its output, or the fact that the engine refused it).
# Usage: scripts/regenerate_differential.sh
#   Needs node, npm (the registry is reached once, as for scripts/regenerate_corpus.sh) and git. The suites are read
#   from bare repositories (MAILCONSOLE_MIRRORS, default /work/.mirror: handlebars-lang+handlebars.js/repo,
#   mustache+spec/repo, mde+ejs/repo; `git clone --bare` of each upstream will do). Nothing of theirs is committed.
#   MAILCONSOLE_NODE_ENGINES=DIR uses engines installed there by scripts/corpus/install_engines.sh.
set -eu

# The newest 4.7 tag of handlebars.js in its repository (4.7.10 is released from a branch), the mustache spec
# that handlebars.js 4.7 pins as its spec/mustache submodule, and the ejs release the project vendors.
HANDLEBARS_TAG=v4.7.9
MUSTACHE_COMMIT=83b0721610a4e11832e83df19c73ace3289972b9
EJS_TAG=v3.1.10
SEED=10
COUNT_PER_ENGINE=300

root="$(cd "$(dirname "$0")/.." && pwd)"
python="${PYTHON:-$root/.venv/bin/python}"
mirrors="${MAILCONSOLE_MIRRORS:-/work/.mirror}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
engines="${MAILCONSOLE_NODE_ENGINES:-}"
if [ -z "$engines" ]; then
    engines="$work/engines"
    "$root/scripts/corpus/install_engines.sh" "$engines"
fi

mkdir -p "$work/handlebars" "$work/mustache" "$work/ejs"
git -C "$mirrors/handlebars-lang+handlebars.js/repo" archive "$HANDLEBARS_TAG" spec | tar -x -C "$work/handlebars"
git -C "$mirrors/mustache+spec/repo" archive "$MUSTACHE_COMMIT" specs | tar -x -C "$work/mustache"
git -C "$mirrors/mde+ejs/repo" archive "$EJS_TAG" test | tar -x -C "$work/ejs"

cd "$root"
node scripts/differential/extract_cases.js "$work/handlebars/spec" "$work/mustache/specs" "$work/ejs" \
    > "$work/extracted.json" 2> "$work/extract.log" || { cat "$work/extract.log" >&2; exit 1; }
tail -n 1 "$work/extract.log"
"$python" scripts/differential/generate_cases.py "$SEED" "$COUNT_PER_ENGINE" > "$work/generated.json"
# record.js prints only its summary on stdout; what the cases make the engines log goes to stderr.
node scripts/differential/record.js "$engines" tests/rendering/differential.json \
    "$work/extracted.json" "$work/generated.json"
