#!/bin/sh
# Re-fetch the EJS browser build vendored in mailconsole/rendering/vendor, from the npm registry.
# Usage: scripts/update_ejs.sh [version]   (default: the newest 3.x)
set -eu

version="${1:-3}"
vendor="$(cd "$(dirname "$0")/.." && pwd)/mailconsole/rendering/vendor"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

cd "$work"
tarball="$(npm pack --silent "ejs@$version")"
# The tarball's top folder is named after the release (ejs-v3.1.10/), not "package/".
tar -xzf "$tarball" --strip-components=1
cp ejs.min.js "$vendor/ejs.min.js"
cp LICENSE "$vendor/EJS-LICENSE.txt"
node -e 'console.log("vendored ejs " + require("./package.json").version)'
echo "now run tests/rendering/test_ejs_source.py: mailconsole/rendering/ejs_source.py writes ejs' source in Python"
echo "and must still match this release text for text"
