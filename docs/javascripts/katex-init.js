// Render the \( \) and \[ \] spans that pymdownx.arithmatex (generic mode) leaves in the page,
// and Jupyter's $ … $ and $$ … $$ in notebook pages' Markdown cells (mkdocs-jupyter).
//
// A chapter holds up to a hundred formulas: rendered in one go they hold a phone's main
// thread for about half a second (Lighthouse, nox -s audit), and the page does not answer a
// tap meanwhile.  So each formula is rendered on its own: those near the screen as soon as
// the browser knows where they are, the rest in slices of a few milliseconds, between which
// the page stays responsive.  Every formula is rendered within a moment of loading, and all
// at once before printing.
const ARITHMATEX = [
  { left: "\\(", right: "\\)", display: false },
  { left: "\\[", right: "\\]", display: true },
];
const JUPYTER = [
  { left: "$$", right: "$$", display: true },
  { left: "$", right: "$", display: false },
];
const SLICE_MS = 8;

function renderMath(root) {
  const pending = new Map();
  for (const element of root.querySelectorAll(".arithmatex")) pending.set(element, ARITHMATEX);
  for (const cell of root.querySelectorAll(".jupyter-wrapper .jp-RenderedMarkdown")) {
    pending.set(cell, JUPYTER);
  }
  const render = (element) => {
    const delimiters = pending.get(element);
    if (!delimiters) return;
    pending.delete(element);
    observer.unobserve(element);
    renderMathInElement(element, { delimiters, throwOnError: true });
  };
  const renderAll = () => [...pending.keys()].forEach(render);
  // Near the screen first: the observer reports without forcing a layout of its own.
  const observer = new IntersectionObserver(
    (entries) => entries.filter((e) => e.isIntersecting).forEach((e) => render(e.target)),
    { rootMargin: "100% 0px" },
  );
  for (const element of pending.keys()) observer.observe(element);
  window.addEventListener("beforeprint", renderAll);
  (function slice() {
    const start = performance.now();
    const queue = pending.keys();
    while (pending.size && performance.now() - start < SLICE_MS) render(queue.next().value);
    if (pending.size) setTimeout(slice, 0);
    else observer.disconnect();
  })();
}

// Material swaps pages without reloading (instant navigation is off here, but keep it safe).
if (typeof document$ !== "undefined") {
  document$.subscribe(({ body }) => renderMath(body));
} else {
  renderMath(document.body);
}
