/*
 * Comfort shared by every page (the pages work without it).
 *
 * A link of an error summary (".form-errors a[href^='#']") names a field, or a group of fields (a
 * fieldset: a list of choices, the co-speakers' rows). Following it scrolls the field's label or the
 * group's legend into view and moves the focus to the first field that can take it (the checked choice
 * of a group, if any), so that one can type at once; the browser alone would only scroll to a fieldset.
 * No inline script: the Content-Security-Policy allows only script files of this site.
 */
(function () {
  "use strict";

  var FIELDS = "input:not([type=hidden]):not([disabled]), select:not([disabled]), " +
    "textarea:not([disabled]), button:not([disabled]), [tabindex]:not([tabindex='-1'])";

  function firstField(target) {
    if (target.matches(FIELDS)) {
      return target;
    }
    var checked = target.querySelector("input[type=radio]:checked:not([disabled])");
    return checked || target.querySelector(FIELDS);
  }

  function caption(target, field) {
    // What to show above the field: the group's legend, or the field's label.
    if (target.tagName === "FIELDSET") {
      return target.querySelector("legend") || target;
    }
    var group = field.closest("fieldset");
    if (field.type === "radio" || field.type === "checkbox") {
      return (group && group.querySelector("legend")) || field;
    }
    return (field.id && document.querySelector("label[for='" + CSS.escape(field.id) + "']")) || field;
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest(".form-errors a[href^='#']");
    if (!link || event.defaultPrevented || event.button !== 0 || event.ctrlKey || event.metaKey) {
      return;
    }
    var target = document.getElementById(decodeURIComponent(link.getAttribute("href").slice(1)));
    var field = target && firstField(target);
    if (!field) {
      return; // the browser follows the link as usual
    }
    event.preventDefault();
    caption(target, field).scrollIntoView({ block: "start", behavior: "instant" });
    field.focus({ preventScroll: true });
  });
})();
