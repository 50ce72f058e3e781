() => {
  // Every chart or picture on the page (an svg, img or canvas not hidden from assistive
  // technology) must have a text alternative, and a chart a table of its figures beside
  // it: in the same figure, .chart-with-table or section. Returns what falls short.
  const text = (el) => (el ? el.textContent.trim() : "");
  const nameOf = (el) => {
    const labelledby = (el.getAttribute("aria-labelledby") || "").split(/\s+/).filter(Boolean);
    const byIds = labelledby.map(id => text(document.getElementById(id))).join(" ").trim();
    const title = el.tagName.toLowerCase() === "svg" ? text(el.querySelector(":scope > title")) : "";
    return (el.getAttribute("aria-label") || byIds || el.getAttribute("alt") || title).trim();
  };
  const problems = [];
  for (const el of document.querySelectorAll("body svg, body img, body canvas")) {
    if (el.closest("[aria-hidden=true]") || el.getAttribute("alt") === "") continue;
    const what = el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
      (el.getAttribute("class") ? "." + el.getAttribute("class").split(/\s+/).join(".") : "");
    if (!nameOf(el)) problems.push(`${what} has no text alternative`);
    if (el.tagName.toLowerCase() !== "img" || el.closest("figure")) {
      const around = el.closest(".chart-with-table") || el.closest("section") || el.closest("figure");
      if (!around || !around.querySelector("table")) problems.push(`${what} has no table beside it`);
    }
  }
  return problems;
}
