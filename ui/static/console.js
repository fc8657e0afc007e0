/* The agents' console: the queue, a transcript, reply, handback and close. */
(function () {
  "use strict";
  var $ = function (id) { return document.getElementById(id); };
  var current = null;
  var csrf = "";  // the session's CSRF token: sent back on every change

  function call(method, path, body) {
    var headers = body ? { "Content-Type": "application/json" } : {};
    if (method !== "GET" && csrf) headers["X-CSRF-Token"] = csrf;
    return fetch(path, {
      method: method, credentials: "same-origin", headers: headers,
      body: body ? JSON.stringify(body) : undefined
    }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (data) {
        if (r.status === 401 && path !== "/console/login") { show(false); }
        if (!r.ok) throw new Error((data.error && data.error.message) || ("HTTP " + r.status));
        return data;
      });
    });
  }
  function el(tag, cls, text) {
    var n = document.createElement(tag);
    if (cls) n.className = cls;
    if (text != null) n.textContent = text;
    return n;
  }
  function fmt(x) { return x == null ? "–" : Number(x).toFixed(2); }
  function when(iso) {
    var d = new Date(iso);
    if (isNaN(d)) return "";
    var today = new Date().toDateString() === d.toDateString();
    return today ? d.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" })
                 : d.toLocaleDateString([], { month: "short", day: "numeric" }) + " " +
                   d.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  }
  var shoppers = {};  // conversation id -> how the queue names its shopper
  function show(loggedIn, name, role) {
    if (!loggedIn) csrf = "";
    $("insights-link").hidden = !loggedIn || role !== "admin";  // insights: admins only
    $("login").hidden = loggedIn;
    $("desk").hidden = !loggedIn;
    $("logout").hidden = !loggedIn;
    $("who").textContent = loggedIn ? name : "";
  }
  function loadQueue() {
    return call("GET", "/console/api/queue").then(function (rows) {
      var box = $("items");
      box.textContent = "";
      if (!rows.length) box.appendChild(el("p", "empty", "No conversation waits for a human."));
      rows.forEach(function (row) {
        shoppers[row.id] = row.shopper;
        var item = el("div", "item" + (row.id === current ? " active" : ""));
        item.dataset.id = row.id;
        var top = el("div");
        top.appendChild(el("span", "badge" + (row.status === "agent" ? " agent" : ""),
          row.status === "agent" ? "with agent" : "waiting"));
        top.appendChild(el("b", null, row.shopper || row.id));
        item.appendChild(top);
        item.appendChild(el("div", "meta when", when(row.created_at) + " · " + row.channel));
        if (row.last_message && row.last_message !== row.shopper) item.appendChild(el("div", null, "“" + row.last_message.slice(0, 120) + "”"));
        (row.reasons || []).forEach(function (r) { item.appendChild(el("span", "reason", r)); });
        if (row.offline && row.offline.outside_hours) {
          item.appendChild(el("span", "reason offline", "outside hours · team back " +
            (row.offline.next_open ? new Date(row.offline.next_open).toLocaleString() : "later") +
            (row.email ? " · " + row.email : row.offline.email_asked ? " · e-mail asked" : "")));
        }
        item.appendChild(el("div", "meta",
          "dissatisfaction " + fmt(row.dissatisfaction) + " (max " + fmt(row.max_dissatisfaction) +
          ") · sentiment " + fmt(row.sentiment) + " · predicted CSAT " + fmt(row.predicted_csat) +
          " · " + (row.language || "?")));
        item.onclick = function () { open(row.id); };
        box.appendChild(item);
      });
    }).catch(function (e) { $("desk-error").textContent = e.message; });
  }
  function open(id) {
    current = id;
    return call("GET", "/console/api/conversations/" + encodeURIComponent(id)).then(function (c) {
      $("detail").dataset.id = c.id;  // the conversation shown (the copilot pane follows it)
      $("title").textContent = (shoppers[c.id] || c.id) + " — " + c.channel + " — " + c.status +
        (c.escalation ? " — " + (c.escalation.reasons || []).join("; ") : "");
      var box = $("transcript");
      box.textContent = "";
      c.messages.forEach(function (m) {
        if (!m.content) return;
        var n = el("div", "msg " + m.role);
        var who = m.role === "user" ? "Shopper" : m.role === "agent" ? (m.agent || "agent") : "Bot";
        if (m.sentiment) who += " · dissatisfaction " + fmt(m.sentiment.dissatisfaction);
        n.appendChild(el("span", "who", who));
        n.appendChild(document.createTextNode(m.content));
        box.appendChild(n);
      });
      box.scrollTop = box.scrollHeight;
      $("actions").hidden = c.status === "closed";
      document.querySelectorAll(".item").forEach(function (n) { n.classList.toggle("active", n.dataset.id === id); });
    }).catch(function (e) { $("desk-error").textContent = e.message; });
  }
  function act(path) {
    if (!current) return Promise.resolve();
    $("desk-error").textContent = "";
    return call("POST", "/console/api/conversations/" + encodeURIComponent(current) + path)
      .then(function () { return Promise.all([open(current), loadQueue()]); })
      .catch(function (e) { $("desk-error").textContent = e.message; });
  }
  $("login").onsubmit = function (e) {
    e.preventDefault();
    call("POST", "/console/login", { name: $("name").value.trim(), key: $("key").value })
      .then(function (agent) { $("key").value = ""; csrf = agent.csrf; show(true, agent.name, agent.role); loadQueue(); })
      .catch(function (err) { $("login-error").textContent = err.message; });
  };
  $("logout").onclick = function () { call("POST", "/console/logout").then(function () { show(false); }); };
  $("actions").onsubmit = function (e) {
    e.preventDefault();
    var text = $("reply").value.trim();
    if (!text || !current) return;
    call("POST", "/console/api/conversations/" + encodeURIComponent(current) + "/reply", { content: text })
      .then(function () { $("reply").value = ""; return Promise.all([open(current), loadQueue()]); })
      .catch(function (err) { $("desk-error").textContent = err.message; });
  };
  $("handback").onclick = function () { act("/handback"); };
  $("close").onclick = function () { act("/close"); };
  call("GET", "/console/api/me").then(function (a) { csrf = a.csrf; show(true, a.name, a.role); loadQueue(); }).catch(function () { show(false); });
  setInterval(function () { if (!$("desk").hidden) { loadQueue(); if (current) open(current); } }, 5000);
})();
