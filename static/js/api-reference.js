/* The API reference (/api/docs/): a link to an operation or a schema (#v1_goals_create,
   #schema-Goal), followed on the page or from elsewhere, opens it. */
(function () {
  "use strict";
  function openTarget() {
    var id = decodeURIComponent(window.location.hash.slice(1));
    var target = id && document.getElementById(id);
    var details = target && target.querySelector(":scope > details");
    if (details) {
      details.open = true;
    }
  }
  window.addEventListener("hashchange", openTarget);
  openTarget();
})();
