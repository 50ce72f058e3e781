() => {
  // Every chart or picture on the page (an svg, img or canvas not hidden from assistive
  // technology) must have a text alternative, and a chart a table of its figures beside
  // it: in the same figure, .chart-with-table or section; a chart's labels must be legible
  // at the width it is drawn. Returns what falls short.
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
  // A chart's own words (its axes' labels) must read as drawn: 11 px or more on the screen,
  // inside the drawing, and clear of each other.
  const overlap = (a, b) =>
    a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1;
  for (const svg of document.querySelectorAll("svg.chart")) {
    const box = svg.getBoundingClientRect();
    const view = svg.viewBox.baseVal;
    const scale = view && view.width ? box.width / view.width : 1;
    const words = [...svg.querySelectorAll("text")].filter(
      (t) => getComputedStyle(t).display !== "none" && t.getClientRects().length > 0
    );
    const rects = words.map((t) => t.getBoundingClientRect());
    words.forEach((t, i) => {
      const px = parseFloat(getComputedStyle(t).fontSize) * scale;
      if (px < 11) problems.push(`svg.chart: "${text(t)}" is drawn at ${px.toFixed(1)} px`);
      const r = rects[i];
      if (r.left < box.left - 1 || r.right > box.right + 1 || r.top < box.top - 1 || r.bottom > box.bottom + 1) {
        problems.push(`svg.chart: "${text(t)}" stands outside the drawing`);
      }
      for (let j = i + 1; j < words.length; j += 1) {
        if (overlap(r, rects[j])) problems.push(`svg.chart: "${text(t)}" overlaps "${text(words[j])}"`);
      }
    });
  }
  return problems;
}
