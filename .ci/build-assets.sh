#!/usr/bin/env bash
# Build the front-end assets into static/: CSS from Sass, GOV.UK Frontend's JS, its images.
# Idempotent: runs `npm ci` only when node_modules was not installed from this package-lock.json.
set -euo pipefail

cd "$(dirname "$0")/.."

SOURCES=cdop_scr/assets
GOVUK=node_modules/govuk-frontend/dist/govuk
STAMP=node_modules/.cdop-package-lock.sha256

command -v npm >/dev/null || { echo "build-assets: npm is not installed" >&2; exit 1; }

# node_modules is stale unless it was installed from this very package-lock.json.
lock_hash=$(sha256sum package-lock.json | cut -d' ' -f1)
needs_install() {
    [ -f "$STAMP" ] || return 0
    [ "$(cat "$STAMP")" = "$lock_hash" ] || return 0
    for package in govuk-frontend sass axe-core; do
        [ -f "node_modules/$package/package.json" ] || return 0
    done
    return 1
}

if needs_install; then
    echo "build-assets: npm ci" >&2
    # --ignore-scripts: no install script may fetch anything that is not an npm package.
    npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
    echo "$lock_hash" >"$STAMP"
fi

# Build into a temporary folder, then swap in, so a failed build never leaves half a static/.
mkdir -p static
build=$(mktemp -d static/.build.XXXXXX)
trap 'rm -rf "$build"' EXIT
mkdir -p "$build/css" "$build/js" "$build/assets/images"

node_modules/.bin/sass \
    --load-path=node_modules \
    --style=compressed \
    --no-source-map \
    --quiet-deps \
    --silence-deprecation=import \
    "$SOURCES/application.scss" "$build/css/application.css"

cp "$GOVUK/govuk-frontend.min.js" "$build/js/govuk-frontend.min.js"
cp "$SOURCES/application.js" "$build/js/application.js"
# The partnership's own icon: GOV.UK's images are the Crown's, not ours to use.
cp "$SOURCES/favicon.svg" "$build/assets/images/favicon.svg"

for built in css/application.css js/application.js js/govuk-frontend.min.js assets/images/favicon.svg; do
    [ -s "$build/$built" ] || { echo "build-assets: $built was not built" >&2; exit 1; }
done
if grep -q "GDS Transport" "$build/css/application.css"; then
    echo "build-assets: the CSS names the GDS Transport font: this service must use Arial" >&2
    exit 1
fi

for folder in css js assets; do
    rm -rf "static/$folder"
    mv "$build/$folder" "static/$folder"
done
echo "build-assets: built static/css, static/js and static/assets" >&2
