#!/usr/bin/env bash
# Re-fetch the KaTeX files the site serves itself (docs/assets/vendor/), from the npm
# registry at a pinned version.  After a bump, update the paths in overrides/main.html.
# (No mermaid: the site's diagrams are static SVG drawn by tools/diagrams.py.)
set -euo pipefail
cd "$(dirname "$0")/.."
KATEX=0.16.47    # 0.16.x: what pymdownx.arithmatex's generic output is rendered with

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "katex@$KATEX" >/dev/null)
mkdir -p "$work/katex"
tar xzf "$work/katex-$KATEX.tgz" -C "$work/katex"

katex=docs/assets/vendor/katex-$KATEX
mkdir -p "$katex/contrib" "$katex/fonts"
cp "$work"/katex/package/dist/{katex.min.js,katex.min.css} "$work/katex/package/LICENSE" "$katex/"
cp "$work/katex/package/dist/contrib/auto-render.min.js" "$katex/contrib/"
cp "$work"/katex/package/dist/fonts/*.woff2 "$katex/fonts/"   # every current browser reads woff2
echo "vendored katex $KATEX"
