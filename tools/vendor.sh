#!/usr/bin/env bash
# Re-fetch the KaTeX and mermaid files the site serves itself (docs/assets/vendor/), from the
# npm registry at pinned versions.  After a bump, update the paths in overrides/main.html.
set -euo pipefail
cd "$(dirname "$0")/.."
KATEX=0.16.47    # 0.16.x: what pymdownx.arithmatex's generic output is rendered with
MERMAID=11.17.2  # 11.x: the major version mkdocs-material 9.8 integrates with

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "katex@$KATEX" "mermaid@$MERMAID" >/dev/null)
mkdir -p "$work/katex" "$work/mermaid"
tar xzf "$work/katex-$KATEX.tgz" -C "$work/katex"
tar xzf "$work/mermaid-$MERMAID.tgz" -C "$work/mermaid"

katex=docs/assets/vendor/katex-$KATEX
mermaid=docs/assets/vendor/mermaid-$MERMAID
mkdir -p "$katex/contrib" "$katex/fonts" "$mermaid"
cp "$work"/katex/package/dist/{katex.min.js,katex.min.css} "$work/katex/package/LICENSE" "$katex/"
cp "$work/katex/package/dist/contrib/auto-render.min.js" "$katex/contrib/"
cp "$work"/katex/package/dist/fonts/*.woff2 "$katex/fonts/"   # every current browser reads woff2
cp "$work/mermaid/package/dist/mermaid.min.js" "$work/mermaid/package/LICENSE" "$mermaid/"
echo "vendored katex $KATEX and mermaid $MERMAID"
