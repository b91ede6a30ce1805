#!/bin/sh
# Install the pinned JavaScript engines (handlebars.js and ejs, as the platform renders with them) into DIR.
# Usage: scripts/corpus/install_engines.sh DIR   (DIR gets a package.json and node_modules/; nothing in the repo)
# The versions: handlebars is the newest 4.7 release; ejs is the release vendored in mailconsole/rendering/vendor.
set -eu

HANDLEBARS_VERSION=4.7.10
EJS_VERSION=3.1.10

dir="${1:?usage: $0 DIR}"
mkdir -p "$dir"
cd "$dir"
[ -f package.json ] || printf '{"private": true}\n' > package.json
npm install --loglevel=error --no-audit --no-fund --no-save --no-package-lock \
    "handlebars@$HANDLEBARS_VERSION" "ejs@$EJS_VERSION" >/dev/null
