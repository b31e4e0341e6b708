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
 * enregistrer" button does the same without JavaScript, in the same region).
 * After a session is dropped on the grid (or a drop undone), the focus goes to its card's link, not back
 * to the top of the page (after a placement from its page, the address names that link:
 * #slot-session-12, #unplaced-session-12, and the browser focuses it).
 * No inline script: the Content-Security-Policy allows only script files of this site.
 */
(function () {
  "use strict";

  var placeForm = document.querySelector("form[data-preview-url]");
  if (placeForm) {
    // One region (#place-preview) says what the chosen place would raise, filled by the "Vérifier" button
    // (the server) or here; a new choice empties it at once, so that it never speaks of an older one.
    var preview = document.getElementById("place-preview");
    var pending = null;
    var paragraph = function (text) {
      var element = document.createElement("p");
      element.textContent = text;
      return element;
    };
    var show = function (state, nodes) {
      preview.textContent = "";
      preview.classList.remove("flash", "flash-warning", "flash-success", "flash-error");
      if (state) {
        preview.classList.add("flash", "flash-" + state);
      }
      nodes.forEach(function (node) { preview.appendChild(node); });
    };
    var render = function (result) {
      if (!result.ok) {
        show("error", [paragraph(result.message || "")]);
        return;
      }
      var title = document.createElement("h2");
      title.id = "preview-title";
      title.textContent = placeForm.getAttribute("data-title");
      if (!result.warnings.length) {
        show("success", [title, paragraph(placeForm.getAttribute("data-none"))]);
        return;
      }
      var list = document.createElement("ul");
      result.warnings.forEach(function (text) {
        var item = document.createElement("li");
        item.textContent = text;
        list.appendChild(item);
      });
      show("warning", [title, list, paragraph(placeForm.getAttribute("data-anyway"))]);
    };
    var check = function () {
      var query = new URLSearchParams();
      ["day", "room", "start"].forEach(function (name) {
        var field = placeForm.elements.namedItem(name);
        query.append(name, field ? field.value : "");
      });
      if (pending) {
        pending.abort();
      }
      show(null, []); // the previous check spoke of another place
      pending = new AbortController();
      fetch(placeForm.getAttribute("data-preview-url") + "?" + query.toString(), {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
        signal: pending.signal
      })
        .then(function (response) { return response.json(); })
        .then(render)
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
  // The card of a session, on the grid or among the sessions to place: its link takes the focus (the
  // page's address names that link after a placement, so the browser focuses it even without this script).
  function focusCard(sessionId) {
    var link = document.getElementById("slot-session-" + sessionId) ||
      document.getElementById("unplaced-session-" + sessionId);
    if (link) {
      link.focus();
    }
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
        session: card.getAttribute("data-session"),
        url: card.getAttribute("data-move-url"),
        fields: {
          room: card.getAttribute("data-room") || "",
          starts_at: card.getAttribute("data-starts-at"),
          pinned: card.getAttribute("data-pinned") || "1"
        }
      };
    }
    return { url: card.getAttribute("data-unplaced-url"), fields: {}, session: card.getAttribute("data-session") };
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

  function send(url, fields, sessionId) {
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
        return refresh().then(function () {
          announce(message);
          // The dragged card, or the undo button, was replaced or hidden: the focus goes to the card.
          if (sessionId && !editor.contains(document.activeElement)) {
            focusCard(sessionId);
          }
        });
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
        send(card.getAttribute("data-unschedule-url"), {}, card.getAttribute("data-session"));
      }
      return;
    }
    offerUndo(before);
    send(card.getAttribute("data-move-url"), {
      room: target.getAttribute("data-room"),
      starts_at: target.getAttribute("data-starts-at")
    }, card.getAttribute("data-session"));
  });

  if (undoButton) {
    undoButton.addEventListener("click", function () {
      var action = undo;
      offerUndo(null);
      if (action && action.url) {
        send(action.url, action.fields, action.session);
      }
    });
  }

  enableDragging();
})();
