// Render the \( \) and \[ \] spans that pymdownx.arithmatex (generic mode) leaves in the page.
// Material swaps pages without reloading (instant navigation is off here, but keep it safe).
// Notebook pages (mkdocs-jupyter) keep Jupyter's $ … $ and $$ … $$ in their Markdown cells.
function renderMath(root) {
  renderMathInElement(root, {
    delimiters: [
      { left: "\\(", right: "\\)", display: false },
      { left: "\\[", right: "\\]", display: true },
    ],
    throwOnError: true,
  });
  for (const cell of root.querySelectorAll(".jupyter-wrapper .jp-RenderedMarkdown")) {
    renderMathInElement(cell, {
      delimiters: [
        { left: "$$", right: "$$", display: true },
        { left: "$", right: "$", display: false },
      ],
      throwOnError: true,
    });
  }
}
if (typeof document$ !== "undefined") {
  document$.subscribe(({ body }) => renderMath(body));
} else {
  renderMath(document.body);
}
