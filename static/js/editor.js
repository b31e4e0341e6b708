/*
 * The programme editor's drag and drop, and the live check of the place page (comfort only).
 *
 * The editor works without this script: every session has a link to a page where the day, the room
 * and the time are chosen from lists. With it, a session's card can be dragged onto a cell of the
 * grid (a room at a time) or back onto the list of sessions to place. Each drop is one POST to the
 * server (which keeps the draft and computes the warnings); the page's content is then fetched again
 * and replaced, so the warnings are up to date at once, and the outcome is read out by the status
 * region; while a card is dragged over a cell, a banner already shows the warnings of that place.
 * On a session's place page, choosing a day, a room or a time asks the server which warnings
 * that place would raise and reads them out at once, before anything is saved (the "Vérifier sans
 * enregistrer" button does the same without JavaScript).
 * No inline script: the Content-Security-Policy allows only script files of this site.
 */
(function () {
  "use strict";

  var placeForm = document.querySelector("form[data-preview-url]");
  if (placeForm) {
    var preview = document.getElementById("place-preview");
    var pending = null;
    var check = function () {
      var query = new URLSearchParams();
      ["day", "room", "start"].forEach(function (name) {
        var field = placeForm.elements.namedItem(name);
        query.append(name, field ? field.value : "");
      });
      if (pending) {
        pending.abort();
      }
      pending = new AbortController();
      fetch(placeForm.getAttribute("data-preview-url") + "?" + query.toString(), {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
        signal: pending.signal
      })
        .then(function (response) { return response.json(); })
        .then(function (result) {
          preview.textContent = "";
          if (!result.ok) {
            preview.textContent = result.message || "";
          } else if (!result.warnings.length) {
            preview.textContent = placeForm.getAttribute("data-none");
          } else {
            var intro = document.createElement("p");
            intro.textContent = placeForm.getAttribute("data-some");
            var list = document.createElement("ul");
            result.warnings.forEach(function (text) {
              var item = document.createElement("li");
              item.textContent = text;
              list.appendChild(item);
            });
            preview.appendChild(intro);
            preview.appendChild(list);
          }
        })
        .catch(function () { /* aborted by a newer choice, or offline: the button still checks */ });
    };
    placeForm.addEventListener("change", function (event) {
      if (event.target && ["day", "room", "start"].indexOf(event.target.name) !== -1) {
        check();
      }
    });
  }

  var editor = document.querySelector("[data-editor]");
  if (!editor) {
    return;
  }
  var status = document.getElementById("editor-status");
  var undoButton = document.getElementById("editor-undo");
  var csrf = document.querySelector("#editor-csrf input[name='csrf_token']");
  var dragged = null; // the card being dragged
  var undo = null; // how to put back the last dropped card: {url, fields}

  function offerUndo(action) {
    undo = action;
    if (undoButton) {
      undoButton.hidden = !action;
    }
  }

  function previousPlace(card) {
    // Where the card was before the drop, as a request that puts it back there.
    if (card.hasAttribute("data-starts-at")) {
      return {
        url: card.getAttribute("data-move-url"),
        fields: {
          room: card.getAttribute("data-room") || "",
          starts_at: card.getAttribute("data-starts-at"),
          pinned: card.getAttribute("data-pinned") || "1"
        }
      };
    }
    return { url: card.getAttribute("data-unplaced-url"), fields: {} };
  }

  function announce(message) {
    if (status) {
      status.textContent = message || "";
    }
  }

  function enableDragging() {
    editor.querySelectorAll("[data-session][data-move-url]").forEach(function (card) {
      card.setAttribute("draggable", "true");
    });
  }

  function refresh() {
    return fetch(window.location.href, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) { return response.text(); })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("editor-content");
        var current = document.getElementById("editor-content");
        if (fresh && current) {
          current.replaceWith(fresh);
          enableDragging();
        }
      });
  }

  function send(url, fields) {
    var body = new FormData();
    body.append("csrf_token", csrf ? csrf.value : "");
    Object.keys(fields).forEach(function (name) { body.append(name, fields[name]); });
    editor.setAttribute("aria-busy", "true");
    return fetch(url, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { Accept: "application/json" }
    })
      .then(function (response) {
        return response.json().catch(function () {
          return { ok: false, message: editor.getAttribute("data-failed") || "Erreur" };
        });
      })
      .then(function (result) {
        var message = result.message || "";
        if (result.warnings && result.warnings.length) {
          message += " " + result.warnings.join(" ");
        }
        if (!result.ok) {
          offerUndo(null); // nothing changed: nothing to undo
        }
        return refresh().then(function () { announce(message); });
      })
      .catch(function () {
        announce(editor.getAttribute("data-failed") || "Erreur");
      })
      .finally(function () {
        editor.removeAttribute("aria-busy");
      });
  }

  // While a card is dragged over a cell, the warnings that place would raise (asked to the server,
  // which alone knows the whole draft), in a banner: the warnings are live before the drop too.
  var hint = document.getElementById("editor-hint");
  var hintFor = null; // the "card|cell" the banner speaks of
  var hintTimer = null;
  var hintRequest = null;

  function hideHint() {
    hintFor = null;
    window.clearTimeout(hintTimer);
    if (hintRequest) {
      hintRequest.abort();
      hintRequest = null;
    }
    if (hint) {
      hint.hidden = true;
      hint.textContent = "";
    }
  }

  function showHint(card, cell) {
    var key = card.getAttribute("data-session") + "|" + cell.getAttribute("data-room") + "|" +
      cell.getAttribute("data-starts-at");
    if (!hint || key === hintFor || !card.hasAttribute("data-preview-url")) {
      return;
    }
    hintFor = key;
    window.clearTimeout(hintTimer);
    hintTimer = window.setTimeout(function () {
      var when = cell.getAttribute("data-starts-at").split("T");
      var query = new URLSearchParams({ day: when[0], start: when[1], room: cell.getAttribute("data-room") });
      if (hintRequest) {
        hintRequest.abort();
      }
      hintRequest = new AbortController();
      fetch(card.getAttribute("data-preview-url") + "?" + query.toString(), {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
        signal: hintRequest.signal
      })
        .then(function (response) { return response.json(); })
        .then(function (result) {
          if (hintFor !== key) {
            return;
          }
          if (!result.ok) {
            hint.textContent = result.message || "";
          } else if (!result.warnings.length) {
            hint.textContent = hint.getAttribute("data-none");
          } else {
            hint.textContent = hint.getAttribute("data-some") + " " + result.warnings.join(" ");
          }
          hint.classList.toggle("has-warning", Boolean(result.warnings && result.warnings.length));
          hint.hidden = false;
        })
        .catch(function () { /* a newer cell was asked for, or offline: the drop still tells */ });
    }, 120);
  }

  function clearTargets() {
    editor.querySelectorAll(".is-target").forEach(function (element) { element.classList.remove("is-target"); });
  }

  editor.addEventListener("dragstart", function (event) {
    var card = event.target.closest && event.target.closest("[data-session][data-move-url]");
    if (!card) {
      return;
    }
    dragged = card;
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", card.getAttribute("data-session"));
    // Let the drop reach the cells under the other cards (after the browser took its drag image).
    window.setTimeout(function () { editor.classList.add("is-dragging"); }, 0);
  });

  editor.addEventListener("dragend", function () {
    hideHint();
    dragged = null;
    editor.classList.remove("is-dragging");
    clearTargets();
  });

  function dropTarget(element) {
    if (!element || !element.closest) {
      return null;
    }
    return element.closest(".ed-cell, [data-drop-unschedule]");
  }

  editor.addEventListener("dragover", function (event) {
    var target = dropTarget(event.target);
    if (!dragged || !target) {
      return;
    }
    if (target.hasAttribute("data-drop-unschedule") && !dragged.hasAttribute("data-unschedule-url")) {
      return; // already among the sessions to place
    }
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    if (!target.classList.contains("is-target")) {
      clearTargets();
      target.classList.add("is-target");
    }
    if (target.classList.contains("ed-cell")) {
      showHint(dragged, target);
    } else {
      hideHint();
    }
  });

  editor.addEventListener("drop", function (event) {
    var target = dropTarget(event.target);
    var card = dragged;
    if (!card || !target) {
      return;
    }
    event.preventDefault();
    editor.classList.remove("is-dragging");
    clearTargets();
    hideHint();
    var before = previousPlace(card);
    if (target.hasAttribute("data-drop-unschedule")) {
      if (card.hasAttribute("data-unschedule-url")) {
        offerUndo(before);
        send(card.getAttribute("data-unschedule-url"), {});
      }
      return;
    }
    offerUndo(before);
    send(card.getAttribute("data-move-url"), {
      room: target.getAttribute("data-room"),
      starts_at: target.getAttribute("data-starts-at")
    });
  });

  if (undoButton) {
    undoButton.addEventListener("click", function () {
      var action = undo;
      offerUndo(null);
      if (action && action.url) {
        send(action.url, action.fields);
      }
    });
  }

  enableDragging();
})();
