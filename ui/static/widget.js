/* shopbot store widget: <script src="https://SHOP-HOST/widget.js" data-key="PUBLIC_KEY" defer></script>
 * Options (data attributes): data-color, data-position (right|left), data-greeting, data-lang (en|zh).
 * Everything lives in one Shadow DOM; the only global is window.ShopbotWidget. */
(function () {
  "use strict";
  if (window.ShopbotWidget) return;
  var script = document.currentScript || document.querySelector('script[src*="widget.js"][data-key]');
  if (!script) return;
  var data = script.dataset;
  var fetch = window.fetch.bind(window); // the page's later changes to window.fetch do not reach us
  var base = data.api || new URL(script.src, location.href).origin;
  var key = data.key || "";
  function pick(code) { return (code || "en").toLowerCase().indexOf("zh") === 0 ? "zh" : "en"; }
  var fixedLang = data.lang ? pick(data.lang) : null;  // data-lang wins; else the shopper's
  var lang = fixedLang || pick(navigator.language);
  var color = /^#[0-9a-f]{3,8}$|^[a-z]+$/i.test(data.color || "") ? data.color : "#2563eb";
  var side = data.position === "left" ? "left" : "right";
  var TEXTS = {
    en: {
      title: "Customer support", open: "Open chat", close: "Close chat", send: "Send",
      placeholder: "Type your question…", human: "Talk to a person",
      greeting: "Hi! Ask me about products, orders, shipping or returns.",
      waiting: "A person from our team will join this chat shortly.",
      agent: "You are now chatting with a person from our team.",
      sources: "Sources", up: "Helpful", down: "Not helpful", rate: "Rate this chat:",
      thanks: "Thank you for your rating!", error: "Sorry, something went wrong. Please try again.",
      interrupted: "(reply interrupted)", team: "Team", restart: "New conversation",
      refused: "Sorry, the chat is not available on this page yet.",
      owner: "For the store owner: "
    },
    zh: {
      title: "在线客服", open: "打开聊天", close: "关闭聊天", send: "发送",
      placeholder: "请输入您的问题…", human: "转人工客服",
      greeting: "您好！可以问我商品、订单、配送或退换货的问题。",
      waiting: "人工客服即将加入对话，请稍候。",
      agent: "您正在与人工客服对话。",
      sources: "参考来源", up: "有帮助", down: "没帮助", rate: "为本次对话评分：",
      thanks: "感谢您的评分！", error: "抱歉，出了点问题，请重试。",
      interrupted: "（回复被中断）", team: "客服", restart: "新对话",
      refused: "抱歉，本页面暂时无法使用在线客服。",
      owner: "店主请注意："
    }
  };
  var T = TEXTS[lang];
  var storeKey = "shopbot:" + key + ":conversation";
  var state = { conv: load(), view: null, busy: false, timer: null, rated: false, refused: null, store: null };

  function load() {
    try { return JSON.parse(localStorage.getItem(storeKey) || "null"); } catch (e) { return null; }
  }
  function save(conv) {
    state.conv = conv;
    try { conv ? localStorage.setItem(storeKey, JSON.stringify(conv)) : localStorage.removeItem(storeKey); } catch (e) { /* private mode */ }
  }
  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text != null) node.textContent = text;
    return node;
  }

  var host = document.createElement("shopbot-widget");
  host.id = "shopbot-widget";
  var root = host.attachShadow({ mode: "open" });
  var style = el("style");
  style.textContent = [
    ":host{all:initial}",
    "*{box-sizing:border-box;font-family:system-ui,-apple-system,'Segoe UI',Roboto,'PingFang SC','Microsoft YaHei',sans-serif}",
    ".sb-bubble{position:fixed;bottom:20px;" + side + ":20px;width:56px;height:56px;border-radius:50%;border:0;background:" + color + ";color:#fff;font-size:26px;cursor:pointer;box-shadow:0 4px 14px rgba(0,0,0,.25);z-index:2147483646}",
    ".sb-panel{position:fixed;bottom:88px;" + side + ":20px;width:min(370px,calc(100vw - 24px));height:min(560px,calc(100vh - 110px));background:#fff;color:#111;border-radius:14px;box-shadow:0 8px 30px rgba(0,0,0,.25);display:flex;flex-direction:column;overflow:hidden;z-index:2147483647;font-size:14px;line-height:1.4}",
    ".sb-panel[hidden]{display:none}",
    ".sb-head{background:" + color + ";color:#fff;padding:10px 12px;display:flex;align-items:center;gap:8px}",
    ".sb-head b{flex:1;font-size:15px}",
    ".sb-head button{background:rgba(255,255,255,.2);color:#fff;border:0;border-radius:6px;padding:5px 8px;cursor:pointer;font-size:12px}",
    ".sb-banner{background:#fff7d6;color:#5b4600;padding:8px 12px;font-size:13px;border-bottom:1px solid #f0e0a0}",
    ".sb-banner[hidden]{display:none}",
    ".sb-log{flex:1;overflow-y:auto;padding:12px;display:flex;flex-direction:column;gap:8px;background:#f7f7f8}",
    ".sb-msg{max-width:85%;padding:8px 11px;border-radius:12px;white-space:pre-wrap;word-wrap:break-word}",
    ".sb-user{align-self:flex-end;background:" + color + ";color:#fff}",
    ".sb-assistant,.sb-greeting{align-self:flex-start;background:#fff;border:1px solid #e3e3e6}",
    ".sb-agent{align-self:flex-start;background:#e8f5e9;border:1px solid #b9dfbf}",
    ".sb-who{display:block;font-size:11px;font-weight:600;color:#2e7d32;margin-bottom:2px}",
    ".sb-sources{margin-top:6px;font-size:12px;color:#555}",
    ".sb-sources a{color:" + color + "}",
    ".sb-fb{margin-top:4px}.sb-fb button{border:0;background:none;cursor:pointer;font-size:14px;opacity:.55;padding:0 4px}",
    ".sb-fb button.on{opacity:1}",
    ".sb-rate{padding:6px 12px;font-size:12px;color:#555;border-top:1px solid #eee}",
    ".sb-rate button{border:0;background:none;cursor:pointer;font-size:16px;color:#f5a623;padding:0 2px}",
    ".sb-form{display:flex;gap:6px;padding:10px;border-top:1px solid #eee;background:#fff}",
    ".sb-input{flex:1;border:1px solid #ccc;border-radius:8px;padding:8px;font-size:14px;min-width:0}",
    ".sb-send{background:" + color + ";color:#fff;border:0;border-radius:8px;padding:0 14px;cursor:pointer}",
    ".sb-send:disabled{opacity:.5}",
    ".sb-notice{align-self:center;max-width:92%;font-size:12px;color:#555;font-style:italic;text-align:center;padding:2px 8px}",
    ".sb-refused{margin:12px;padding:10px 12px;border-radius:10px;background:#fdecea;color:#7f1d1d;border:1px solid #f5c2c0;font-size:13px}",
    ".sb-refused small{display:block;margin-top:6px;color:#555;font-size:11px;word-break:break-word}",
    ".sb-refused[hidden]{display:none}",
    "@media (max-width:480px){.sb-panel{top:0;bottom:0;left:0;right:0;width:100vw;height:100%;border-radius:0}" +
      ".sb-panel:not([hidden])~.sb-bubble,.sb-bubble.sb-open{display:none}}"
  ].join("\n");
  var bubble = el("button", "sb-bubble", "💬");
  var panel = el("div", "sb-panel");
  panel.hidden = true;
  panel.setAttribute("role", "dialog");
  var head = el("div", "sb-head");
  var title = el("b");
  var restartBtn = el("button", "sb-restart", "↺");
  var humanBtn = el("button", "sb-human");
  var closeBtn = el("button", "sb-close", "✕");
  [title, restartBtn, humanBtn, closeBtn].forEach(function (n) { head.appendChild(n); });
  var banner = el("div", "sb-banner");
  banner.hidden = true;
  banner.setAttribute("role", "status");
  var refusedBox = el("div", "sb-refused");
  refusedBox.hidden = true;
  refusedBox.setAttribute("role", "alert");
  var log = el("div", "sb-log");
  log.setAttribute("aria-live", "polite");
  var rate = el("div", "sb-rate");
  rate.hidden = true;
  var form = el("form", "sb-form");
  var input = el("input", "sb-input");
  input.maxLength = 4000;
  var sendBtn = el("button", "sb-send");
  sendBtn.type = "submit";
  form.appendChild(input);
  form.appendChild(sendBtn);
  [head, banner, refusedBox, log, rate, form].forEach(function (n) { panel.appendChild(n); });
  [style, panel, bubble].forEach(function (n) { root.appendChild(n); });

  function label() {
    T = TEXTS[lang];
    bubble.setAttribute("aria-label", panel.hidden ? T.open : T.close);
    panel.setAttribute("aria-label", T.title);
    title.textContent = state.store ? state.store + " · " + T.title : T.title;
    restartBtn.title = T.restart;
    restartBtn.setAttribute("aria-label", T.restart);
    humanBtn.textContent = T.human;
    closeBtn.setAttribute("aria-label", T.close);
    input.placeholder = T.placeholder;
    input.setAttribute("aria-label", T.placeholder);
    sendBtn.textContent = T.send;
  }
  function follow(language) {  // labels in the language the shopper writes in
    var next = fixedLang || (language ? pick(language) : lang);
    if (next !== lang) { lang = next; label(); }
  }
  label();

  function headers(extra) {
    var h = { "X-Shopbot-Key": key, "Content-Type": "application/json" };
    if (state.conv) h["X-Shopbot-Token"] = state.conv.token;
    for (var k in extra || {}) h[k] = extra[k];
    return h;
  }
  function api(path, options) {
    options = options || {};
    return fetch(base + "/api/v1/public/conversations" + path, {
      method: options.method || "GET", headers: headers(options.headers),
      body: options.body ? JSON.stringify(options.body) : undefined, mode: "cors", credentials: "omit"
    });
  }
  // May this page use the chat? Asked without a key header, so no preflight: a page the server
  // refuses still learns why, and says so instead of failing on every message.
  function check() {
    return fetch(base + "/api/v1/public/check?key=" + encodeURIComponent(key), { mode: "cors", credentials: "omit" })
      .then(function (r) { return r.json(); })
      .then(function (c) {
        state.store = c.store;
        title.textContent = c.store ? c.store + " · " + T.title : T.title;
        state.refused = c.origin_allowed && c.key_valid ? null : c.message;
        showRefusal();
        return !state.refused;
      })
      .catch(function () { return true; });  // offline: let the next message try
  }
  function showRefusal() {
    refusedBox.hidden = !state.refused;
    input.disabled = sendBtn.disabled = humanBtn.disabled = !!state.refused;
    refusedBox.textContent = "";
    if (!state.refused) return;
    refusedBox.appendChild(document.createTextNode(T.refused));
    refusedBox.appendChild(el("small", null, T.owner + state.refused));
    if (window.console) console.warn("shopbot widget: " + state.refused);
  }
  function ensureConversation() {
    if (state.conv) return Promise.resolve(state.conv);
    return api("", { method: "POST" }).then(function (r) {
      if (!r.ok) throw new Error("HTTP " + r.status);
      return r.json();
    }).then(function (c) { save({ id: c.id, token: c.token }); return state.conv; });
  }
  function sync() {
    if (!state.conv || state.busy || state.refused) return Promise.resolve();
    return api("/" + encodeURIComponent(state.conv.id)).then(function (r) {
      if (r.status === 404) { save(null); state.view = null; render(); return; }
      if (!r.ok) return;
      return r.json().then(function (view) {
        if (!state.busy && JSON.stringify(view) !== JSON.stringify(state.view)) { state.view = view; render(); }
      });
    }).catch(function () { /* offline: try again on the next tick */ });
  }
  function sourcesNode(sources, language) {
    var box = el("div", "sb-sources", TEXTS[pick(language || lang)].sources + ": ");
    sources.forEach(function (s, i) {
      if (i) box.appendChild(document.createTextNode(" · "));
      var text = "[" + s.n + "] " + s.title;
      if (s.url) {
        var a = el("a", null, text);
        a.href = s.url; a.target = "_blank"; a.rel = "noopener noreferrer";
        box.appendChild(a);
      } else box.appendChild(el("span", null, text));
    });
    return box;
  }
  function feedbackNode(m) {
    var box = el("div", "sb-fb");
    [["up", "👍", T.up, true], ["down", "👎", T.down, false]].forEach(function (f) {
      var b = el("button", "sb-" + f[0] + (m.feedback === f[0] ? " on" : ""), f[1]);
      b.title = f[2]; b.setAttribute("aria-label", f[2]);
      b.onclick = function () {
        api("/" + encodeURIComponent(state.conv.id) + "/feedback", { method: "POST", body: { position: m.position, helpful: f[3] } }).then(sync);
      };
      box.appendChild(b);
    });
    return box;
  }
  function written(text) { return /[\u3400-\u9fff]/.test(text) ? "zh" : "en"; }
  function messageNode(m) {
    if (m.notice) return el("div", "sb-msg sb-notice", m.content);
    var node = el("div", "sb-msg sb-" + m.role);
    if (m.role === "agent") node.appendChild(el("span", "sb-who", (m.agent || T.team) + " · " + T.team));
    node.appendChild(document.createTextNode(m.content + (m.interrupted ? " " + T.interrupted : "")));
    if (m.role === "assistant" && m.sources && m.sources.length) node.appendChild(sourcesNode(m.sources, written(m.content)));
    if (m.role !== "user") node.appendChild(feedbackNode(m));
    return node;
  }
  function render() {
    var view = state.view;
    if (view) follow(view.language);
    log.textContent = "";
    log.appendChild(el("div", "sb-msg sb-greeting", data.greeting || T.greeting));
    (view ? view.messages : []).forEach(function (m) { log.appendChild(messageNode(m)); });
    banner.hidden = !(view && view.human);
    banner.textContent = view && view.status === "agent" ? T.agent : T.waiting;
    humanBtn.hidden = !!(view && view.human);
    renderRating(view);
    log.scrollTop = log.scrollHeight;
  }
  function renderRating(view) {
    var replies = view ? view.messages.filter(function (m) { return m.role !== "user" && !m.notice; }).length : 0;
    rate.hidden = replies === 0;
    rate.textContent = "";
    if (view && view.rating) { rate.textContent = T.thanks + " " + "★".repeat(view.rating); return; }
    rate.appendChild(document.createTextNode(T.rate + " "));
    [1, 2, 3, 4, 5].forEach(function (n) {
      var b = el("button", "sb-star", "☆");
      b.setAttribute("aria-label", n + "/5");
      b.onclick = function () {
        api("/" + encodeURIComponent(state.conv.id) + "/rating", { method: "POST", body: { stars: n } }).then(sync);
      };
      rate.appendChild(b);
    });
  }
  function streamReply(text) {
    var pending = el("div", "sb-msg sb-assistant sb-streaming", "…");
    log.appendChild(pending);
    log.scrollTop = log.scrollHeight;
    return api("/" + encodeURIComponent(state.conv.id) + "/messages", {
      method: "POST", body: { content: text }, headers: { Accept: "text/event-stream" }
    }).then(function (r) {
      if (!r.ok || !r.body) throw new Error("HTTP " + r.status);
      var reader = r.body.getReader(), decoder = new TextDecoder(), buffer = "", shown = "";
      function handle(block) {
        var kind = "", payload = "";
        block.split("\n").forEach(function (line) {
          if (line.indexOf("event: ") === 0) kind = line.slice(7);
          else if (line.indexOf("data: ") === 0) payload += line.slice(6);
        });
        if (kind === "delta") {
          shown += JSON.parse(payload).text;
          pending.textContent = shown;
        } else if (kind === "done") {  // the whole reply, its sources numbered as shown
          var done = JSON.parse(payload);
          follow(done.language);
          pending.textContent = done.reply;
          if (done.sources && done.sources.length) pending.appendChild(sourcesNode(done.sources, written(done.reply)));
        }
        log.scrollTop = log.scrollHeight;
      }
      function pump() {
        return reader.read().then(function (chunk) {
          if (chunk.done) return;
          buffer += decoder.decode(chunk.value, { stream: true });
          var i;
          while ((i = buffer.indexOf("\n\n")) >= 0) { handle(buffer.slice(0, i)); buffer = buffer.slice(i + 2); }
          return pump();
        });
      }
      return pump();
    });
  }
  function send(text) {
    text = text.trim();
    if (!text || state.busy || state.refused) return;
    state.busy = true;
    sendBtn.disabled = true;
    input.value = "";
    follow(written(text));
    log.appendChild(el("div", "sb-msg sb-user", text));
    ensureConversation().then(function () { return streamReply(text); }).catch(function () {
      // A network or CORS failure: ask the server whether this page may chat at all.
      return check().then(function (allowed) {
        if (allowed) log.appendChild(el("div", "sb-msg sb-assistant sb-error", T.error));
      });
    }).then(function () {
      state.busy = false;
      sendBtn.disabled = !!state.refused;
      return sync();
    });
  }
  function open() {
    panel.hidden = false;
    bubble.classList.add("sb-open");
    bubble.setAttribute("aria-label", T.close);
    render();
    check().then(function (allowed) { if (allowed) sync(); });
    if (!state.timer) state.timer = setInterval(sync, 3000);
    input.focus();
  }
  function close() {
    panel.hidden = true;
    bubble.classList.remove("sb-open");
    bubble.setAttribute("aria-label", T.open);
    clearInterval(state.timer);
    state.timer = null;
  }
  function restart() { save(null); state.view = null; render(); input.focus(); }
  bubble.onclick = function () { panel.hidden ? open() : close(); };
  closeBtn.onclick = close;
  restartBtn.onclick = restart;
  form.onsubmit = function (e) { e.preventDefault(); send(input.value); };
  humanBtn.onclick = function () {
    ensureConversation().then(function () {
      return api("/" + encodeURIComponent(state.conv.id) + "/human", { method: "POST" });
    }).then(sync);
  };
  function mount() { document.body.appendChild(host); }
  document.body ? mount() : document.addEventListener("DOMContentLoaded", mount);
  window.ShopbotWidget = { open: open, close: close, send: send, reset: restart };
})();
