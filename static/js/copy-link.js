/*
 * "Copier le lien": copies the text of the field named by data-copy-target and says so in a live
 * region (screen readers hear "Lien copié"). Without JavaScript the button stays hidden and the field,
 * read-only, can be selected and copied by hand.
 */
(function () {
  "use strict";

  Array.prototype.forEach.call(document.querySelectorAll("button[data-copy-target]"), function (button) {
    var field = document.getElementById(button.getAttribute("data-copy-target"));
    var status = document.getElementById(button.getAttribute("data-copy-status"));
    if (!field) {
      return;
    }
    button.hidden = false;

    function say(message) {
      if (status) {
        status.textContent = "";
        window.setTimeout(function () { status.textContent = message; }, 50);
      }
    }

    function fallback() {
      field.focus();
      field.select();
      var done = false;
      try {
        done = document.execCommand("copy");
      } catch (error) {
        done = false;
      }
      say(button.getAttribute(done ? "data-message-copied" : "data-message-failed"));
    }

    button.addEventListener("click", function () {
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(field.value).then(function () {
          say(button.getAttribute("data-message-copied"));
        }, fallback);
      } else {
        fallback();
      }
    });
  });
})();
