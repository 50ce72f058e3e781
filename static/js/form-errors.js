/* A page that comes back with a refused form takes the focus to what is wrong.
 *
 * A form posted without htmx is answered with the whole page again, its errors at the
 * fields; the browser would leave the focus on the body and the view at the top, while the
 * message may be thousands of pixels down. Once, when the page is loaded, the focus goes to
 * the first of: a field Django marked aria-invalid, a form's errors that belong to no field
 * (made focusable for this), in the page's order, and the view scrolls to show it with its
 * label and message. A page without errors keeps its focus; what htmx swaps in later is left
 * to the page's own script (consultations.js keeps the place after a swap).
 */
(function () {
  "use strict";

  var ERRORS = '[aria-invalid="true"], .errorlist.nonfield';
  var FOCUSABLE = "a[href], button, input, select, textarea, summary, [tabindex]";

  function shown(element) {
    return element.getClientRects().length > 0;
  }

  // An error inside a closed <details> (a collapsed section) is opened to be seen.
  function openAround(element) {
    for (var node = element.parentElement; node; node = node.parentElement) {
      if (node.tagName === "DETAILS" && !node.open) node.open = true;
    }
  }

  function focusTarget(found) {
    if (found.matches('[aria-invalid="true"]')) return found;
    // A form's own errors: their alert block when there is one, else the list itself.
    return found.closest('[role="alert"]') || found;
  }

  function firstError() {
    var found = document.querySelectorAll(ERRORS);
    for (var i = 0; i < found.length; i += 1) {
      var target = focusTarget(found[i]);
      if (!shown(target)) openAround(target);
      if (shown(target)) return target;
    }
    return null;
  }

  // Someone who already moved the focus keeps it; a field the page marks autofocus (the
  // log-in's user name) may have taken it first, and gives way to what is wrong.
  var active = document.activeElement;
  var moved = active && active !== document.body && active !== document.documentElement;
  if (moved && !active.hasAttribute("autofocus")) return;
  var target = firstError();
  if (!target) return;
  if (!target.matches(FOCUSABLE)) target.setAttribute("tabindex", "-1");
  target.focus({ preventScroll: true });
  // The field's label and message stand above it: show its whole row when it fits.
  var row = target.closest(".form-row, fieldset") || target;
  if (row.getBoundingClientRect().height > window.innerHeight) row = target;
  row.scrollIntoView({ block: "center" });
})();
