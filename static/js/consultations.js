/* The consultation page: notes are saved while they are typed.
 *
 * A note's editor is a form that htmx posts when it receives the "note-save" event; the
 * server answers with out-of-band pieces (the new version, the save status, a refusal)
 * and never replaces the text box. This file decides when to save: shortly after typing
 * pauses, at least every few seconds while typing goes on, when the box loses focus, when
 * the page is hidden (a laptop lid closing), and as a last beacon when the page goes away.
 * A save that the server refuses because someone else changed the note (409) stops the
 * autosave until the person chooses whose text to keep. What it says comes from the form's
 * data-unsaved and data-offline, in the page's language.
 */
(function () {
  "use strict";

  var QUIET_MS = 800; // save this long after the last change
  var MAX_WAIT_MS = 3000; // and at least this often while changes keep coming
  var RETRY_MS = 4000; // after a failed request (no connection)

  var editors = [];

  function Editor(form) {
    this.form = form;
    this.dirty = false;
    this.inFlight = false;
    this.quietTimer = null;
    this.maxTimer = null;
    this.retryTimer = null;
    form.addEventListener("input", this.changed.bind(this));
    form.addEventListener("change", this.changed.bind(this));
    form.addEventListener("focusout", this.flush.bind(this));
    form.addEventListener("htmx:beforeRequest", this.started.bind(this));
    form.addEventListener("htmx:afterRequest", this.finished.bind(this));
  }

  Editor.prototype.byId = function (key) {
    return document.getElementById(this.form.dataset[key]);
  };

  Editor.prototype.say = function (text) {
    var status = this.byId("statusId");
    if (status) status.textContent = text;
  };

  Editor.prototype.inConflict = function () {
    var panel = this.byId("conflictId");
    return Boolean(panel && panel.children.length);
  };

  Editor.prototype.clearTimers = function () {
    clearTimeout(this.quietTimer);
    clearTimeout(this.maxTimer);
    clearTimeout(this.retryTimer);
    this.quietTimer = this.maxTimer = this.retryTimer = null;
  };

  Editor.prototype.changed = function (event) {
    if (event.target && event.target.name === "body") {
      var copy = this.byId("printId");
      if (copy) copy.textContent = event.target.value;
    }
    this.dirty = true;
    if (this.inConflict()) return; // the person chooses first
    this.say(this.form.dataset.unsaved || "Unsaved changes…");
    clearTimeout(this.quietTimer);
    this.quietTimer = setTimeout(this.save.bind(this), QUIET_MS);
    if (!this.maxTimer) this.maxTimer = setTimeout(this.save.bind(this), MAX_WAIT_MS);
  };

  Editor.prototype.save = function () {
    this.clearTimers();
    if (!this.dirty || this.inConflict() || !document.body.contains(this.form)) return;
    if (this.inFlight) return; // saved again when the request in flight ends
    this.dirty = false;
    htmx.trigger(this.form, "note-save");
  };

  Editor.prototype.flush = function () {
    if (this.dirty) this.save();
  };

  Editor.prototype.started = function () {
    // The request carries what is in the form now (htmx read it just before this event).
    this.inFlight = true;
    this.dirty = false;
    this.clearTimers();
  };

  Editor.prototype.finished = function (event) {
    this.inFlight = false;
    var status = event.detail.xhr ? event.detail.xhr.status : 0;
    if (status === 0 || status >= 500) {
      // No answer: keep the text as unsaved and try again.
      this.dirty = true;
      this.say(this.form.dataset.offline || "Not saved: no connection to the server. Trying again…");
      clearTimeout(this.retryTimer);
      this.retryTimer = setTimeout(this.save.bind(this), RETRY_MS);
      return;
    }
    if (status === 409) return; // the refusal is on the page; autosave waits
    if (this.dirty) this.save();
  };

  /* When the page goes away, send what has not been saved yet, and again what a request
   * still in flight carries: leaving the page may cancel it. Sending the same text twice
   * is harmless (the server changes nothing when the text is already stored). */
  Editor.prototype.beacon = function () {
    if (!(this.dirty || this.inFlight) || this.inConflict()) return;
    if (!document.body.contains(this.form)) return;
    if (navigator.sendBeacon(this.form.action, new FormData(this.form))) this.dirty = false;
  };

  function setUp(root) {
    var forms = root.matches && root.matches("form[data-autosave]") ? [root] : [];
    forms = forms.concat(Array.prototype.slice.call(root.querySelectorAll("form[data-autosave]")));
    forms.forEach(function (form) {
      if (form.dataset.autosaveReady) return;
      form.dataset.autosaveReady = "1";
      editors.push(new Editor(form));
    });
    editors = editors.filter(function (editor) {
      return document.body.contains(editor.form);
    });
  }

  htmx.onLoad(setUp);

  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") editors.forEach(function (e) { e.flush(); });
  });
  window.addEventListener("pagehide", function () {
    editors.forEach(function (e) { e.beacon(); });
  });

  /* A refused save (409) and bad input (400) carry content to show: swap it. */
  document.addEventListener("htmx:beforeSwap", function (event) {
    var status = event.detail.xhr.status;
    if (status === 400 || status === 409) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  /* Keyboard and screen-reader users keep their place when htmx replaces what had the
   * focus. htmx itself gives the focus back to an element whose id comes back (Move up,
   * Move down, Set status) and to an element marked autofocus in what it swapped in (the
   * message of a step on a note, of an action point added, a note opened for editing).
   * Otherwise the focus would fall to the top of the page (a note saved and closed, a form
   * refused): it goes to what replaced the element that held it, to its first field in
   * error if it is a form sent back, or, when nothing came back (a note discarded), to the
   * agenda item or section around it. */
  var place = null;

  function focusOn(element) {
    if (!element.matches("a[href], button, input, select, textarea, summary, [tabindex]")) {
      element.setAttribute("tabindex", "-1");
    }
    element.focus();
  }

  function keepPlace() {
    var lost = place;
    place = null;
    if (!lost) return;
    var active = document.activeElement;
    if (active && active !== document.body && document.body.contains(active)) return;
    var swapped = lost.id ? document.getElementById(lost.id) : null;
    if (swapped) {
      focusOn(swapped.querySelector('[aria-invalid="true"]') || swapped);
    } else if (lost.around && document.body.contains(lost.around)) {
      focusOn(lost.around);
    }
  }

  document.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.detail.target;
    var active = document.activeElement;
    place = null;
    if (!event.detail.shouldSwap || !target || !active || !target.contains(active)) return;
    place = {
      id: target.id,
      around: target.parentElement && target.parentElement.closest("[id][aria-labelledby]"),
    };
    // An empty answer swaps nothing in, and htmx then sends no htmx:afterSettle.
    if (!String(event.detail.serverResponse || "").trim()) setTimeout(keepPlace, 0);
  });
  document.addEventListener("htmx:afterSettle", keepPlace);

  /* The print button is only shown where this script runs. */
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
})();
