/* A long list of checkboxes, filtered as one types (progressive enhancement).
 *
 * Markup: a [data-option-filter] element holding a text box [data-option-filter-input]
 * (whose own form, a GET search, is what works without JavaScript), a status line
 * [data-option-filter-count] and the list [data-option-filter-list] of labelled options.
 * Options whose label does not hold every typed word are hidden; a hidden option that is
 * checked stays checked and is still sent. The search form no longer reloads the page.
 */
(function () {
  "use strict";

  function words(text) {
    return text.toLocaleLowerCase().split(/\s+/).filter(Boolean);
  }

  function setUp(box) {
    var input = box.querySelector("[data-option-filter-input]");
    var list = box.querySelector("[data-option-filter-list]");
    var count = box.querySelector("[data-option-filter-count]");
    if (!input || !list || !count) return;
    var options = Array.prototype.slice.call(list.querySelectorAll("label")).map(function (label) {
      // The element that holds one option: the label's wrapper when it has one.
      var item = label.parentElement !== list && label.parentElement.children.length === 1
        ? label.parentElement
        : label;
      return { item: item, text: label.textContent.toLocaleLowerCase(), box: label.querySelector("input") };
    });

    function apply() {
      var wanted = words(input.value);
      var shown = 0;
      options.forEach(function (option) {
        var match = wanted.every(function (word) { return option.text.indexOf(word) !== -1; });
        var keep = match || (option.box && option.box.checked);
        option.item.hidden = !keep;
        if (keep) shown += 1;
      });
      // The sentences come from the status line's data-matching, data-one and data-many, in
      // the page's language, with {shown}, {total}, {search} and {count} to fill in.
      var text = wanted.length
        ? count.dataset.matching
        : options.length === 1 ? count.dataset.one : count.dataset.many;
      count.textContent = text
        .replace("{shown}", shown)
        .replace("{total}", options.length)
        .replace("{search}", input.value.trim())
        .replace("{count}", options.length);
    }

    input.addEventListener("input", apply);
    if (input.form) {
      input.form.addEventListener("submit", function (event) {
        event.preventDefault();
        apply();
      });
    }
    count.setAttribute("aria-live", "polite");
    if (input.value) apply();
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-option-filter]"), setUp);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
