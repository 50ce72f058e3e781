() => {
  // The focused element, and how well its focus indicator stands out (see keyboard.py).
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return null;
  const rgb = (text) => {
    const m = text && text.match(/rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)(?:,\s*([\d.]+))?/);
    return m && (m[4] === undefined || parseFloat(m[4]) > 0) ? m.slice(1, 4).map(Number) : null;
  };
  const luminance = ([r, g, b]) => {
    const c = [r, g, b].map(v => v / 255).map(
      v => v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4));
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
  };
  const contrast = (a, b) => {
    const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p);
    return (x + 0.05) / (y + 0.05);
  };
  let behind = [255, 255, 255];
  for (let node = el.parentElement; node; node = node.parentElement) {
    const bg = rgb(getComputedStyle(node).backgroundColor);
    if (bg) { behind = bg; break; }
  }
  const style = getComputedStyle(el);
  const colours = [];
  if (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2) {
    colours.push(rgb(style.outlineColor));
  }
  if (style.boxShadow !== "none") colours.push(rgb(style.boxShadow));
  const best = Math.max(0, ...colours.filter(Boolean).map(c => contrast(c, behind)));
  const box = el.getBoundingClientRect();
  const label = (el.getAttribute("aria-label") || el.innerText || el.value || el.name || el.id
    || "").trim().replace(/\s+/g, " ").slice(0, 60);
  return {
    tag: el.tagName.toLowerCase(),
    label: label,
    contrast: Math.round(best * 100) / 100,
    sized: box.width > 0 && box.height > 0,
  };
}
