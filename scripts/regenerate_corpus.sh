#!/bin/sh
# Regenerate the rendering fidelity corpus (tests/rendering/corpus): the built-in templates' cases are rewritten
# from mailconsole/service/defaults, then every case's "expected" from handlebars.js and ejs on Node.
# Usage: scripts/regenerate_corpus.sh
#   Needs node and npm (the registry is reached once). MAILCONSOLE_NODE_ENGINES=DIR uses engines installed there
#   by scripts/corpus/install_engines.sh instead of a fresh temporary install. Nothing is left in the repository.
set -eu

root="$(cd "$(dirname "$0")/.." && pwd)"
python="${PYTHON:-$root/.venv/bin/python}"
engines="${MAILCONSOLE_NODE_ENGINES:-}"
if [ -z "$engines" ]; then
    engines="$(mktemp -d)"
    trap 'rm -rf "$engines"' EXIT
    "$root/scripts/corpus/install_engines.sh" "$engines"
fi

cd "$root"
"$python" scripts/corpus/builtin_cases.py tests/rendering/corpus
node scripts/corpus/render.js "$engines" tests/rendering/corpus
