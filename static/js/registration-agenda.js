/*
 * The registration form carries the sessions this browser kept in "Mon programme" (static/js/agenda.js,
 * localStorage "nec-agenda:<slug>"), so that they join the registration's programme. Without JavaScript
 * the form works the same, without them.
 */
(function () {
  "use strict";
  var script = document.currentScript;
  var slug = script && script.getAttribute("data-event");
  var field = document.querySelector("input[name='agenda']");
  if (!slug || !field) {
    return;
  }
  try {
    var ids = JSON.parse(window.localStorage.getItem("nec-agenda:" + slug) || "[]");
    if (Array.isArray(ids)) {
      field.value = ids.filter(function (id) { return /^\d{1,11}$/.test(String(id)); }).join(",");
    }
  } catch (error) {
    // no storage on this device: nothing to carry
  }
})();
