/* The copilot pane of the agents' console: a three-line summary of the open conversation
   and a suggested reply (checked like the bot's own) to use as it is or edit. It follows
   the conversation the console shows, and asks again when a new message arrives. */
(function () {
  "use strict";
  var $ = function (id) { return document.getElementById(id); };
  var shown = "";  // "<id>#<messages>" the pane shows
  var asking = null;

  var style = document.createElement("style");
  style.textContent =
    "#copilot { border-top: 1px solid #dde0e5; background: #fbfbff; padding: 8px 14px; font-size: 13px; }" +
    "#copilot h3 { font-size: 12px; text-transform: uppercase; letter-spacing: .04em; color: #4b5563; margin: 4px 0; }" +
    "#copilot ol { margin: 2px 0 8px 18px; padding: 0; }" +
    "#copilot .suggestion { background: #fff; border: 1px solid #c7d2fe; border-radius: 8px; padding: 8px 10px; white-space: pre-wrap; }" +
    "#copilot .sources { color: #555; font-size: 12px; margin-top: 4px; }" +
    "#copilot .buttons { margin-top: 6px; display: flex; gap: 8px; }" +
    "#copilot .muted { color: #777; }";
  document.head.appendChild(style);

  var pane = document.createElement("section");
  pane.id = "copilot";
  pane.hidden = true;
  pane.innerHTML =
    '<h3>Copilot · summary</h3><ol id="copilot-summary"></ol>' +
    '<h3>Suggested reply</h3><div class="suggestion" id="copilot-suggestion"></div>' +
    '<div class="sources" id="copilot-sources"></div>' +
    '<div class="buttons"><button type="button" class="secondary" id="copilot-use">Edit in reply box</button>' +
    '<button type="button" class="primary" id="copilot-send">Send as is</button></div>';
  $("detail").insertBefore(pane, $("actions"));

  function current() {
    var id = $("detail").dataset.id || "";
    return { id: id, key: id + "#" + document.querySelectorAll("#transcript .msg").length };
  }

  function render(data) {
    var list = $("copilot-summary");
    list.textContent = "";
    data.summary.forEach(function (line) {
      var item = document.createElement("li");
      item.textContent = line;
      list.appendChild(item);
    });
    $("copilot-suggestion").textContent = data.suggestion.text;
    $("copilot-sources").textContent = data.suggestion.sources.length
      ? "Sources: " + data.suggestion.sources.map(function (s) { return "[" + s.n + "] " + s.title; }).join(" · ")
      : "";
  }

  function refresh() {
    var now = current();
    if (!now.id || $("actions").hidden) { pane.hidden = true; shown = ""; return; }
    if (now.key === shown || now.key === asking) return;
    asking = now.key;
    pane.hidden = false;
    $("copilot-suggestion").innerHTML = '<span class="muted">Writing a suggestion…</span>';
    fetch("/console/api/conversations/" + encodeURIComponent(now.id) + "/copilot", { credentials: "same-origin" })
      .then(function (r) { if (!r.ok) throw new Error("HTTP " + r.status); return r.json(); })
      .then(function (data) {
        if (current().id !== data.id) return;  // the agent moved on meanwhile
        render(data);
        shown = now.key;
      })
      .catch(function (e) { $("copilot-suggestion").textContent = "No suggestion: " + e.message; })
      .then(function () { asking = null; });
  }

  $("copilot-use").onclick = function () {
    $("reply").value = $("copilot-suggestion").textContent;
    $("reply").focus();
  };
  $("copilot-send").onclick = function () {
    $("reply").value = $("copilot-suggestion").textContent;
    $("actions").requestSubmit();
  };
  new MutationObserver(refresh).observe($("detail"), {
    childList: true, subtree: true, characterData: true, attributes: true, attributeFilter: ["data-id"]
  });
})();
