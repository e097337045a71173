// Render the \( \) and \[ \] spans that pymdownx.arithmatex (generic mode) leaves in the page.
// Material swaps pages without reloading (instant navigation is off here, but keep it safe).
function renderMath(root) {
  renderMathInElement(root, {
    delimiters: [
      { left: "\\(", right: "\\)", display: false },
      { left: "\\[", right: "\\]", display: true },
    ],
    throwOnError: true,
  });
}
if (typeof document$ !== "undefined") {
  document$.subscribe(({ body }) => renderMath(body));
} else {
  renderMath(document.body);
}
