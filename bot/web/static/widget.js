/*
 * The council's data-protection live-chat widget.
 *
 * Embedded with one tag (no framework, no build step, no requests anywhere but the hub):
 *   <script src="https://HUB/widget.js" data-hub="https://HUB" defer></script>
 * Options (data- attributes on that tag):
 *   data-hub          the hub's base URL (default: the script's own origin)
 *   data-title        the panel's heading (default: "Data protection help")
 *   data-privacy-url  the privacy notice linked from the opening message
 *                     (default: <hub>/static/privacy.html)
 *   data-position     "right" (default) or "left"
 *
 * Protocol: docs/chat-protocol.md. Everything the hub sends is rendered with textContent,
 * never as HTML. The resident id is issued and signed by the hub (POST /chat/session); the
 * widget only keeps it.
 */
(function () {
  "use strict";

  if (window.__dpaChatWidget) return; // embedded twice: the first one wins
  window.__dpaChatWidget = true;

  var script = document.currentScript || document.querySelector("script[src*='widget.js']");
  var scriptOrigin = (function () {
    try { return new URL(script.src, location.href).origin; } catch (e) { return location.origin; }
  })();
  var data = (script && script.dataset) || {};
  var HUB = (data.hub || scriptOrigin).replace(/\/+$/, "");
  var CONFIG = {
    hub: HUB,
    title: data.title || "Data protection help",
    privacyUrl: data.privacyUrl || HUB + "/static/privacy.html",
    position: data.position === "left" ? "left" : "right"
  };

  var KEYS = {
    resident: "dpa-chat-resident", // localStorage: the hub's id; the conversation survives reloads and visits
    draft: "dpa-chat-draft",       // sessionStorage: text typed but not sent
    pending: "dpa-chat-pending",   // sessionStorage: messages sent but not yet acknowledged
    open: "dpa-chat-open"          // sessionStorage: the panel was open on the last page
  };
  var HUMAN = { text: "/request_human", display: "Talk to a person" };
  var BACKOFF_BASE_MS = 1000;
  var BACKOFF_CAP_MS = 15000;
  var PING_EVERY_MS = 25000;
  var PONG_WITHIN_MS = 10000;
  var TYPING_MAX_MS = 60000;
  var CONNECTING_NOTICE_MS = 2000;
  var FULLSCREEN = "(max-width: 30em), (max-height: 28em)";

  /* ---------- storage that never throws (storage may be disabled) ---------- */
  function store(kind) {
    var area = null;
    try { area = window[kind]; area.getItem("x"); } catch (e) { area = null; }
    var memory = {};
    return {
      get: function (k) { try { return area ? area.getItem(k) : (memory[k] || null); } catch (e) { return memory[k] || null; } },
      set: function (k, v) { memory[k] = v; try { if (area) area.setItem(k, v); } catch (e) { /* full or denied */ } },
      del: function (k) { delete memory[k]; try { if (area) area.removeItem(k); } catch (e) { /* denied */ } }
    };
  }
  var local = store("localStorage");
  var session = store("sessionStorage");

  /* ---------- ids ---------- */
  function randomBytes(n) {
    var bytes = new Uint8Array(n);
    crypto.getRandomValues(bytes);
    return bytes;
  }
  function newClientId() {
    // RFC 4122 version 4 (crypto.randomUUID needs a secure context; this does not)
    var b = randomBytes(16);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 0x100).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }
  /** The shape of an id the hub issues (<conversation>.<signature>); only the hub can tell a real one. */
  function validResidentId(id) { return typeof id === "string" && /^[A-Za-z0-9_-]{22,128}\.[A-Za-z0-9_-]{16,128}$/.test(id); }

  /* ---------- DOM helpers (text only) ---------- */
  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (name) {
        if (attrs[name] !== null && attrs[name] !== undefined) node.setAttribute(name, attrs[name]);
      });
    }
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }
  function hiddenText(text) { return el("span", { "class": "dpa-chat__sr" }, text); }
  function icon(name) {
    var paths = {
      chat: "M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4H4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z",
      minimise: "M5 12h14",
      send: "M3 20l18-8L3 4v6l12 2-12 2z",
      info: "M12 2a10 10 0 1 0 0 20 10 10 0 0 0 0-20zm0 5.5a1.25 1.25 0 1 1 0 2.5 1.25 1.25 0 0 1 0-2.5zM10.5 11h2.5v6h1.5v1.5h-5V17h1.5v-4.5h-.5z"
    };
    var ns = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    svg.setAttribute("class", "dpa-chat__icon dpa-chat__icon--" + name);
    var path = document.createElementNS(ns, "path");
    path.setAttribute("d", paths[name]);
    svg.appendChild(path);
    return svg;
  }
  function timeLabel(at) {
    if (!at) return null;
    var d = new Date(at);
    if (isNaN(d.getTime())) return null;
    return el("time", { datetime: at, "class": "dpa-chat__time" },
      d.toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit" }));
  }

  /* ---------- the UI ---------- */
  var root = el("div", { "class": "dpa-chat dpa-chat--" + CONFIG.position, id: "dpa-chat", hidden: "" });
  var launcher = el("button", {
    type: "button", "class": "dpa-chat__launcher", "aria-expanded": "false", "aria-controls": "dpa-chat-panel"
  });
  launcher.appendChild(icon("chat"));
  launcher.appendChild(el("span", { "class": "dpa-chat__launcher-text" }, "Chat about your data"));
  var unread = el("span", { "class": "dpa-chat__unread", hidden: "" });
  launcher.appendChild(unread);

  var panel = el("section", {
    "class": "dpa-chat__panel", id: "dpa-chat-panel", role: "dialog", "aria-modal": "false",
    "aria-labelledby": "dpa-chat-title", "aria-describedby": "dpa-chat-mode", hidden: ""
  });

  var header = el("div", { "class": "dpa-chat__header" });
  var heading = el("div", { "class": "dpa-chat__heading" });
  heading.appendChild(el("h2", { id: "dpa-chat-title", "class": "dpa-chat__title" }, CONFIG.title));
  var modeLine = el("p", { id: "dpa-chat-mode", "class": "dpa-chat__mode" }, "Automated assistant");
  heading.appendChild(modeLine);
  var minimise = el("button", {
    type: "button", "class": "dpa-chat__minimise", "aria-label": "Minimise chat", title: "Minimise chat (the conversation is kept)"
  });
  minimise.appendChild(icon("minimise"));
  header.appendChild(heading);
  header.appendChild(minimise);

  var status = el("p", { "class": "dpa-chat__status", role: "status", "data-state": "idle" });

  var toolbar = el("div", { "class": "dpa-chat__toolbar", role: "group", "aria-label": "Chat options" });
  var human = el("button", { type: "button", "class": "dpa-chat__button dpa-chat__button--secondary dpa-chat__human" }, "Talk to a person");
  var endButton = el("button", { type: "button", "class": "dpa-chat__button dpa-chat__button--secondary dpa-chat__end" }, "End chat");
  toolbar.appendChild(human);
  toolbar.appendChild(endButton);

  var confirmBox = el("div", { "class": "dpa-chat__confirm", role: "group", "aria-labelledby": "dpa-chat-confirm-text", hidden: "" });
  confirmBox.appendChild(el("p", { id: "dpa-chat-confirm-text" },
    "End the chat? The conversation will be cleared from this browser."));
  var confirmYes = el("button", { type: "button", "class": "dpa-chat__button dpa-chat__button--warning dpa-chat__end-confirm" }, "Yes, end chat");
  var confirmNo = el("button", { type: "button", "class": "dpa-chat__button dpa-chat__button--secondary dpa-chat__end-cancel" }, "No, keep chatting");
  var confirmButtons = el("div", { "class": "dpa-chat__confirm-buttons" });
  confirmButtons.appendChild(confirmYes);
  confirmButtons.appendChild(confirmNo);
  confirmBox.appendChild(confirmButtons);

  var log = el("div", {
    "class": "dpa-chat__log", role: "log", "aria-live": "polite", "aria-relevant": "additions",
    "aria-label": "Conversation", tabindex: "0"
  });
  var intro = el("div", { "class": "dpa-chat__message dpa-chat__message--assistant dpa-chat__intro" });
  var introMeta = el("p", { "class": "dpa-chat__meta" });
  introMeta.appendChild(el("span", { "class": "dpa-chat__author" }, "Assistant"));
  intro.appendChild(introMeta);
  var introText = el("p", { "class": "dpa-chat__text" });
  introText.appendChild(document.createTextNode(
    "Hello. I am an automated assistant, not a person. I can explain your data protection rights " +
    "and help you ask for your information, or ask us to correct or delete it. " +
    "You can ask to talk to a person at any time. Please do not type bank or health details here. "));
  var privacyLink = el("a", { href: CONFIG.privacyUrl, "class": "dpa-chat__link" }, "How we use what you type in this chat (privacy notice)");
  introText.appendChild(privacyLink);
  intro.appendChild(introText);
  log.appendChild(intro);
  var endedLine = null;

  var typing = el("div", { "class": "dpa-chat__typing", "aria-hidden": "true", hidden: "" });
  typing.appendChild(el("span", { "class": "dpa-chat__dots" }));
  var typingText = el("span", { "class": "dpa-chat__typing-text" }, "");
  typing.appendChild(typingText);
  var typingStatus = el("p", { "class": "dpa-chat__sr", role: "status" }); // announced once per change

  var form = el("form", { "class": "dpa-chat__form", novalidate: "" });
  var label = el("label", { "for": "dpa-chat-input", "class": "dpa-chat__label" }, "Type your message");
  var hint = el("p", { id: "dpa-chat-hint", "class": "dpa-chat__hint" }, "Press Enter to send, Shift and Enter for a new line.");
  var input = el("textarea", {
    id: "dpa-chat-input", "class": "dpa-chat__input", rows: "2", autocomplete: "off",
    "aria-describedby": "dpa-chat-hint", spellcheck: "true"
  });
  var send = el("button", { type: "submit", "class": "dpa-chat__button dpa-chat__send" });
  send.appendChild(icon("send"));
  send.appendChild(el("span", null, "Send"));
  var formRow = el("div", { "class": "dpa-chat__form-row" });
  formRow.appendChild(input);
  formRow.appendChild(send);
  form.appendChild(label);
  form.appendChild(hint);
  form.appendChild(formRow);

  /* Documents: once a request in this chat waits for proof of identity (or of address, or
     authority), the resident can send a photo or PDF here (POST /chat/documents). */
  var upload = el("details", { "class": "dpa-chat__upload", hidden: "" });
  var uploadSummary = el("summary", { "class": "dpa-chat__upload-summary" }, "Send your documents");
  upload.appendChild(uploadSummary);
  var uploadForm = el("form", { "class": "dpa-chat__upload-form", novalidate: "" });
  var uploadHint = el("p", { id: "dpa-chat-upload-hint", "class": "dpa-chat__hint" }, "");
  uploadForm.appendChild(uploadHint);
  var purposeField = el("div", { "class": "dpa-chat__field", hidden: "" });
  purposeField.appendChild(el("label", { "for": "dpa-chat-purpose", "class": "dpa-chat__label" }, "Which document is it?"));
  var purposeSelect = el("select", { id: "dpa-chat-purpose", "class": "dpa-chat__select" });
  purposeField.appendChild(purposeSelect);
  uploadForm.appendChild(purposeField);
  var fileField = el("div", { "class": "dpa-chat__field" });
  fileField.appendChild(el("label", { "for": "dpa-chat-file", "class": "dpa-chat__label" }, "Choose a photo or PDF"));
  var fileInput = el("input", {
    type: "file", id: "dpa-chat-file", "class": "dpa-chat__file", name: "document",
    accept: "image/jpeg,image/png,application/pdf,.jpg,.jpeg,.png,.pdf", "aria-describedby": "dpa-chat-upload-hint"
  });
  fileField.appendChild(fileInput);
  uploadForm.appendChild(fileField);
  var cameraField = el("div", { "class": "dpa-chat__field" });
  cameraField.appendChild(el("label", { "for": "dpa-chat-camera", "class": "dpa-chat__label" }, "Or take a photo with your camera"));
  var cameraInput = el("input", {
    type: "file", id: "dpa-chat-camera", "class": "dpa-chat__file", accept: "image/*", capture: "environment",
    "aria-describedby": "dpa-chat-upload-hint"
  });
  cameraField.appendChild(cameraInput);
  uploadForm.appendChild(cameraField);
  var uploadButton = el("button", { type: "submit", "class": "dpa-chat__button dpa-chat__upload-send" }, "Send document");
  uploadForm.appendChild(uploadButton);
  var uploadStatus = el("p", { "class": "dpa-chat__upload-status", role: "status" });
  var uploadError = el("p", { "class": "dpa-chat__upload-error", role: "alert" });
  uploadForm.appendChild(uploadStatus);
  uploadForm.appendChild(uploadError);
  var sentList = el("ul", { "class": "dpa-chat__sent", "aria-label": "Documents you have sent" });
  uploadForm.appendChild(sentList);
  upload.appendChild(uploadForm);

  panel.appendChild(header);
  panel.appendChild(status);
  panel.appendChild(toolbar);
  panel.appendChild(confirmBox);
  panel.appendChild(log);
  panel.appendChild(typing);
  panel.appendChild(typingStatus);
  panel.appendChild(upload);
  panel.appendChild(form);
  root.appendChild(panel);
  root.appendChild(launcher);

  /* ---------- state ---------- */
  var storedId = local.get(KEYS.resident);
  var residentId = validResidentId(storedId) ? storedId : null;
  var rejectedId = storedId && !residentId ? storedId : null; // made by an older widget: not the hub's
  var issuing = false;              // POST /chat/session in flight
  var issueTimer = null;
  var conversationGen = 0;          // a new one after "End chat" or a fresh start
  var pending = [];                 // [{client_id, text, display, page}] in the order sent
  var byId = Object.create(null);   // hub message id -> element
  var pendingEls = Object.create(null); // client_id -> element
  var payloadTitles = Object.create(null); // button payload -> title, to show "/x" as its title
  payloadTitles[HUMAN.text] = HUMAN.display;
  var socket = null;
  var socketGen = 0;
  var historyReceived = false;
  var attempt = 0;
  var reconnectTimer = null;
  var pingTimer = null;
  var pongTimer = null;
  var typingTimer = null;
  var connectingTimer = null;
  var unreadCount = 0;
  var lastNotice = null;
  var transcriptTried = false;

  try { pending = JSON.parse(session.get(KEYS.pending) || "[]") || []; } catch (e) { pending = []; }
  if (!Array.isArray(pending) || (!residentId && !rejectedId)) pending = [];
  pending = pending.filter(function (p) { return p && typeof p.client_id === "string" && typeof p.text === "string"; });
  input.value = session.get(KEYS.draft) || "";

  function savePending() {
    var kept = pending.map(function (p) {
      return { client_id: p.client_id, text: p.text, display: p.display, page: p.page };
    });
    if (kept.length) session.set(KEYS.pending, JSON.stringify(kept));
    else session.del(KEYS.pending);
  }

  /* ---------- status and mode ---------- */
  function setStatus(state, text) {
    if (status.getAttribute("data-state") === state && status.textContent === text) return;
    status.setAttribute("data-state", state);
    status.textContent = text;
  }
  function setMode(mode) {
    var labels = {
      assistant: "Automated assistant",
      waiting: "Waiting for a member of staff. The automated assistant will not reply meanwhile.",
      staff: "You are chatting with a member of council staff"
    };
    if (labels[mode]) {
      modeLine.textContent = labels[mode];
      panel.setAttribute("data-mode", mode);
    }
  }
  function setTyping(on) {
    var stick = isNearBottom();
    var who = panel.getAttribute("data-mode") === "staff" ? "A member of staff is typing…" : "The assistant is typing…";
    clearTimeout(typingTimer);
    if (on) {
      typingTimer = setTimeout(function () { setTyping(false); }, TYPING_MAX_MS); // never stuck on
      if (!typing.hidden && typingText.textContent === who) return; // announced once, not again
      typingText.textContent = who;
      typing.hidden = false;
      typingStatus.textContent = who;
    } else if (!typing.hidden) {
      typing.hidden = true;
      typingText.textContent = "";
      typingStatus.textContent = "";
    }
    if (stick) scrollToEnd();
  }

  /* ---------- transcript ---------- */
  function isNearBottom() { return log.scrollHeight - log.scrollTop - log.clientHeight < 80; }
  function scrollToEnd() { log.scrollTop = log.scrollHeight; }
  /** Show a new reply: its end, or its start when it is taller than the transcript. */
  function reveal(node) {
    if (node.offsetHeight > log.clientHeight - 16) {
      log.scrollTop += node.getBoundingClientRect().top - log.getBoundingClientRect().top - 8;
    } else {
      scrollToEnd();
    }
  }

  function authorName(role, author) {
    if (role === "resident") return "You";
    if (role === "staff") return author || "Council staff";
    if (role === "assistant") return "Assistant";
    return author || "Notice";
  }

  function shownText(msg) {
    if (msg.display) return msg.display;
    if (msg.role === "resident" && payloadTitles[msg.text]) return payloadTitles[msg.text];
    return msg.text == null ? "" : String(msg.text);
  }

  function buildMessage(msg) {
    var role = ["resident", "assistant", "staff", "system"].indexOf(msg.role) >= 0 ? msg.role : "system";
    if (role === "system") return buildNotice(msg.kind || "system", shownText(msg), msg.at);
    var node = el("div", { "class": "dpa-chat__message dpa-chat__message--" + role });
    var meta = el("p", { "class": "dpa-chat__meta" });
    meta.appendChild(el("span", { "class": "dpa-chat__author" }, authorName(role, msg.author)));
    var t = timeLabel(msg.at);
    if (t) { meta.appendChild(document.createTextNode(" ")); meta.appendChild(t); }
    node.appendChild(meta);
    var text = shownText(msg);
    if (text) node.appendChild(el("p", { "class": "dpa-chat__text" }, text));
    var buttons = Array.isArray(msg.buttons) ? msg.buttons.filter(function (b) { return b && (b.title || b.payload); }) : [];
    if (buttons.length) {
      var group = el("div", { "class": "dpa-chat__replies", role: "group", "aria-label": "Suggested replies" });
      buttons.forEach(function (b) {
        var title = String(b.title || b.payload);
        var payload = String(b.payload || b.title);
        payloadTitles[payload] = title;
        var btn = el("button", { type: "button", "class": "dpa-chat__button dpa-chat__reply" }, title);
        btn.addEventListener("click", function () {
          sendMessage(payload, title);
          input.focus();
        });
        group.appendChild(btn);
      });
      node.appendChild(group);
    }
    return node;
  }

  function buildNotice(kind, text, at) {
    var node = el("div", { "class": "dpa-chat__notice dpa-chat__notice--" + kind, "data-kind": kind });
    node.appendChild(icon("info"));
    node.appendChild(hiddenText("Notice: "));
    node.appendChild(el("p", { "class": "dpa-chat__text" }, text || ""));
    var t = timeLabel(at);
    if (t) node.appendChild(t);
    return node;
  }

  function insertBySeq(node, seq) {
    node.setAttribute("data-seq", String(seq));
    var children = log.children;
    for (var i = 0; i < children.length; i++) {
      var c = children[i];
      if (c.hasAttribute("data-pending")) { log.insertBefore(node, c); return; }
      var s = c.getAttribute("data-seq");
      if (s !== null && Number(s) > seq) { log.insertBefore(node, c); return; }
    }
    log.appendChild(node);
  }

  /** Quick replies belong to what the assistant said since the resident last spoke. */
  function refreshReplies() {
    var afterResident = true;
    for (var i = log.children.length - 1; i >= 0; i--) {
      var c = log.children[i];
      if (c.classList.contains("dpa-chat__message--resident")) afterResident = false;
      var group = c.querySelector(".dpa-chat__replies");
      if (group && !afterResident) {
        var hadFocus = group.contains(document.activeElement);
        group.parentNode.removeChild(group);
        if (hadFocus) input.focus();
      }
    }
  }

  function addMessage(msg, live) {
    if (msg.id !== undefined && msg.id !== null && byId[msg.id]) return; // already shown
    var stick = isNearBottom();
    var existing = msg.client_id ? pendingEls[msg.client_id] : null;
    if (existing) {
      // the hub's echo of our own message: the acknowledgement
      var sent = pending.filter(function (p) { return p.client_id === msg.client_id; })[0];
      if (sent && sent.display && !msg.display) msg.display = sent.display;
      pending = pending.filter(function (p) { return p.client_id !== msg.client_id; });
      savePending();
      delete pendingEls[msg.client_id];
      existing.parentNode.removeChild(existing);
    }
    var node = buildMessage(msg);
    if (msg.id !== undefined && msg.id !== null) { node.setAttribute("data-id", String(msg.id)); byId[msg.id] = node; }
    if (msg.client_id) node.setAttribute("data-client-id", msg.client_id);
    if (typeof msg.seq === "number") insertBySeq(node, msg.seq);
    else appendBeforePending(node);
    refreshReplies();
    if (live && !existing && msg.role !== "resident") noteUnread();
    if (existing || (stick && !live)) scrollToEnd();
    else if (stick) reveal(node);
  }

  function appendBeforePending(node) {
    var firstPending = log.querySelector("[data-pending]");
    if (firstPending) log.insertBefore(node, firstPending); else log.appendChild(node);
  }

  function addNotice(kind, text) {
    var stick = isNearBottom();
    appendBeforePending(buildNotice(kind, text, null));
    noteUnread();
    if (stick) scrollToEnd();
  }

  function renderPending(p) {
    if (pendingEls[p.client_id]) return;
    var node = buildMessage({ role: "resident", text: p.text, display: p.display });
    node.setAttribute("data-pending", "");
    node.setAttribute("data-client-id", p.client_id);
    node.appendChild(el("p", { "class": "dpa-chat__sending" }, "Sending…"));
    pendingEls[p.client_id] = node;
    log.appendChild(node);
    refreshReplies();
    updatePendingLabels();
    scrollToEnd();
  }

  function updatePendingLabels() {
    var online = socket && socket.readyState === WebSocket.OPEN && historyReceived;
    Object.keys(pendingEls).forEach(function (cid) {
      var note = pendingEls[cid].querySelector(".dpa-chat__sending");
      if (note) note.textContent = online ? "Sending…" : "Not sent yet. It will be sent when the connection is back.";
    });
  }

  function clearTranscript() {
    Array.prototype.slice.call(log.children).forEach(function (c) {
      if (c !== intro) log.removeChild(c);
    });
    byId = Object.create(null);
    pendingEls = Object.create(null);
    endedLine = null;
  }

  function noteUnread() {
    if (!panel.hidden) return;
    unreadCount += 1;
    unread.textContent = unreadCount === 1 ? "1 new message" : unreadCount + " new messages";
    unread.hidden = false;
  }

  /* ---------- the connection ---------- */
  function wsUrl() {
    var url = new URL("chat/ws", CONFIG.hub + "/"); // relative: a hub under a path prefix works
    url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
    url.searchParams.set("resident", residentId);
    return url.toString();
  }

  function ensureConversation() {
    if (residentId) { connect(); return; }
    if (endedLine && endedLine.parentNode) { endedLine.parentNode.removeChild(endedLine); endedLine = null; }
    issueResidentId();
  }

  /** Ask the hub for a new resident id (it makes and signs them), then connect with it. */
  function issueResidentId() {
    if (issuing || residentId || !window.fetch) return;
    issuing = true;
    clearTimeout(issueTimer);
    issueTimer = null;
    var gen = conversationGen;
    fetch(new URL("chat/session", CONFIG.hub + "/").toString(),
          { method: "POST", credentials: "omit", cache: "no-store" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (payload) {
        if (gen !== conversationGen) return; // ended meanwhile: a later request owns it
        issuing = false;
        if (residentId) return;
        // Another tab may have started the conversation meanwhile: join it, not a second one.
        var other = local.get(KEYS.resident);
        var id = validResidentId(other) && other !== rejectedId ? other
          : (payload && validResidentId(payload.resident) ? payload.resident : null);
        if (!id) { retryIssue(); return; }
        residentId = id;
        rejectedId = null;
        local.set(KEYS.resident, id);
        connect();
      }, function () {
        if (gen !== conversationGen) return;
        issuing = false;
        retryIssue();
      });
  }

  function retryIssue() {
    if (issueTimer) return;
    setStatus("reconnecting", "Reconnecting… Your messages are kept and will be sent when the connection is back.");
    issueTimer = setTimeout(function () { issueTimer = null; issueResidentId(); }, nextDelay());
  }

  /**
   * The hub did not issue this id (made by an older widget, or signed with a secret the hub
   * no longer has): start a new conversation, say so, and keep what was not sent yet.
   */
  function startAfresh() {
    rejectedId = residentId || rejectedId;
    dropConversation();
    addNotice("restarted", "Your earlier chat could not be continued, so a new one has started. Anything you had not sent yet is kept.");
    pending.forEach(function (p) { p.sentOn = null; renderPending(p); });
    ensureConversation();
  }

  function connect() {
    if (!residentId || socket) return;
    clearTimeout(reconnectTimer);
    reconnectTimer = null;
    clearTimeout(connectingTimer);
    if (attempt === 0) {
      // say nothing on a quick connect (every page load): only when it takes a while
      connectingTimer = setTimeout(function () {
        if (socket && !historyReceived && attempt === 0) setStatus("connecting", "Connecting…");
      }, CONNECTING_NOTICE_MS);
    }
    var ws;
    var opened = false;
    try { ws = new WebSocket(wsUrl()); } catch (e) { scheduleReconnect(); return; }
    socket = ws;
    historyReceived = false;
    socketGen += 1;
    ws.onopen = function () { opened = true; if (socket === ws) startPing(); };
    ws.onmessage = function (event) { if (socket === ws) handle(event.data); };
    ws.onclose = function (event) {
      if (socket !== ws) return;
      if (event.code === 1000 && event.reason === "ended") { forget(); return; } // ended in another tab
      // Refused before it opened: the hub may be down, or may not know the id (the
      // handshake's 403 is hidden from scripts); GET /chat/transcript tells which.
      if (!opened) loadTranscriptOnce();
      lost();
    };
    ws.onerror = function () { /* a close event follows */ };
  }

  /** The socket closed or stopped answering: show it and try again with backoff. */
  function lost() {
    var ws = socket;
    socket = null;
    historyReceived = false;
    stopPing();
    setTyping(false);
    if (ws) {
      ws.onopen = ws.onmessage = ws.onclose = ws.onerror = null;
      try { ws.close(); } catch (e) { /* already closed */ }
    }
    updatePendingLabels();
    if (residentId) scheduleReconnect();
    else setStatus("idle", "");
  }

  /**
   * The socket cannot be opened (a proxy may block WebSockets): show the transcript so far
   * from GET /chat/transcript, read-only, so a reload does not look like a lost conversation.
   */
  function loadTranscriptOnce() {
    if (transcriptTried || !residentId || !window.fetch) return;
    transcriptTried = true;
    var url = new URL("chat/transcript", CONFIG.hub + "/");
    url.searchParams.set("resident", residentId);
    var asked = residentId;
    fetch(url.toString(), { credentials: "omit", cache: "no-store" })
      .then(function (response) {
        if (response.status === 403) {
          return response.json().then(function (body) {
            if (body && body.error === "resident_not_valid" && asked === residentId) startAfresh();
            return null;
          }, function () { return null; });
        }
        return response.ok ? response.json() : null;
      })
      .then(function (payload) {
        if (!payload || asked !== residentId || historyReceived) return;
        (Array.isArray(payload.messages) ? payload.messages : []).forEach(function (m) { addMessage(m, false); });
        if (payload.mode) setMode(payload.mode);
        scrollToEnd();
      })
      .catch(function () { /* unreachable too: the status already says so */ });
  }

  /** The next wait before trying the hub again: exponential, capped, with jitter. */
  function nextDelay() {
    var delay = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * Math.pow(2, attempt));
    attempt += 1;
    return delay / 2 + Math.random() * delay / 2; // jitter, so many widgets do not return at once
  }

  function scheduleReconnect() {
    if (reconnectTimer || !residentId) return;
    if (attempt >= 1) loadTranscriptOnce();
    var delay = nextDelay();
    setStatus("reconnecting", "Reconnecting… Your messages are kept and will be sent when the connection is back.");
    reconnectTimer = setTimeout(function () { reconnectTimer = null; connect(); }, delay);
  }

  function startPing() {
    stopPing();
    pingTimer = setInterval(function () {
      if (!socket || socket.readyState !== WebSocket.OPEN) return;
      try { socket.send(JSON.stringify({ type: "ping" })); } catch (e) { lost(); return; }
      clearTimeout(pongTimer);
      pongTimer = setTimeout(lost, PONG_WITHIN_MS);
    }, PING_EVERY_MS);
  }
  function stopPing() {
    clearInterval(pingTimer);
    clearTimeout(pongTimer);
    pingTimer = pongTimer = null;
  }

  function transmit(p) {
    if (!socket || socket.readyState !== WebSocket.OPEN || !historyReceived) return false;
    if (p.sentOn === socketGen) return true;
    var out = { type: "message", text: p.text, client_id: p.client_id, page: p.page };
    if (p.display) out.display = p.display;
    try { socket.send(JSON.stringify(out)); } catch (e) { return false; }
    p.sentOn = socketGen;
    return true;
  }

  function flushPending() {
    pending.forEach(function (p) { transmit(p); });
    updatePendingLabels();
  }

  function handle(raw) {
    var msg;
    try { msg = JSON.parse(raw); } catch (e) { return; }
    if (!msg || typeof msg !== "object") return;
    clearTimeout(pongTimer); // anything from the hub shows the connection is alive
    switch (msg.type) {
      case "history":
        attempt = 0;
        log.setAttribute("aria-busy", "true");
        (Array.isArray(msg.messages) ? msg.messages : []).forEach(function (m) { addMessage(m, false); });
        log.removeAttribute("aria-busy");
        if (msg.mode) setMode(msg.mode);
        historyReceived = true;
        transcriptTried = false; // a later refusal is worth asking about again
        setStatus("connected", "");
        // nothing has gone out on this socket yet: send every unacknowledged message again
        pending.forEach(function (p) { p.sentOn = null; });
        flushPending();
        scrollToEnd();
        refreshDocuments(0);
        break;
      case "message":
        addMessage(msg, true);
        if (msg.role === "assistant") refreshDocuments(800);
        break;
      case "typing":
        setTyping(!!msg.on);
        break;
      case "mode":
        setMode(msg.mode);
        break;
      case "notice":
        onNotice(msg);
        break;
      case "error":
        refused(msg);
        break;
      case "pong":
        break;
      default:
        break;
    }
  }

  function onNotice(msg) {
    var kind = String(msg.kind || "notice");
    if (kind === "staff_joined") setMode("staff");
    if (kind === "document_accepted" || kind === "document_rejected") refreshDocuments(0);
    // "queued": the turn waits for the assistant (typing stays on); "unavailable": the
    // message is kept and answered later; "resend": the hub asks for a missed message again.
    if (kind === "unavailable" || kind === "closed" || kind === "resend") setTyping(false);
    lastNotice = { kind: kind, text: msg.text || "" };
    if (msg.id !== undefined && msg.id !== null) {
      // stored by the hub: it has an id and a seq, and comes again in the history
      addMessage({ role: "system", kind: kind, text: msg.text, id: msg.id, seq: msg.seq, at: msg.at }, true);
    } else {
      addNotice(kind, msg.text || "");
    }
  }

  /**
   * The hub refused a message (too long, too fast, not stored): take it out of the
   * transcript and give its text back in the box. The hub sends a notice first for the
   * limits, so the reason is shown once.
   */
  function refused(msg) {
    var text = msg.text || "Your message could not be sent. Please try again.";
    var p = null;
    if (msg.client_id) p = pending.filter(function (x) { return x.client_id === msg.client_id; })[0] || null;
    else p = pending.filter(function (x) { return x.sentOn === socketGen; })[0] || null;
    if (p) {
      pending = pending.filter(function (x) { return x !== p; });
      savePending();
      var node = pendingEls[p.client_id];
      if (node && node.parentNode) node.parentNode.removeChild(node);
      delete pendingEls[p.client_id];
      if (!p.display) {
        input.value = input.value ? p.text + "\n" + input.value : p.text;
        session.set(KEYS.draft, input.value);
      }
    }
    setTyping(false);
    var shown = lastNotice && (lastNotice.kind === msg.kind || lastNotice.text === text);
    lastNotice = null;
    if (!shown) addNotice(msg.kind || "error", text);
  }

  /* ---------- sending ---------- */
  function sendMessage(text, display) {
    ensureConversation();
    var p = { client_id: newClientId(), text: text, page: location.origin + location.pathname };
    if (display) p.display = display;
    pending.push(p);
    savePending();
    renderPending(p);
    transmit(p);
    updatePendingLabels();
  }

  function submit() {
    var text = input.value.replace(/^\s+|\s+$/g, "");
    if (!text) { input.focus(); return; }
    sendMessage(text, null);
    input.value = "";
    session.del(KEYS.draft);
    input.focus();
  }

  /** "End chat": tell the hub, then forget the conversation in this browser. */
  function endChat() {
    if (socket && socket.readyState === WebSocket.OPEN) {
      try { socket.send(JSON.stringify({ type: "end" })); } catch (e) { /* closing anyway */ }
    }
    forget();
  }

  /** Let go of the conversation here (id, socket, transcript shown); pending stays. */
  function dropConversation() {
    var ws = socket;
    residentId = null;
    conversationGen += 1;
    issuing = false;
    clearTimeout(issueTimer);
    issueTimer = null;
    clearTimeout(reconnectTimer);
    reconnectTimer = null;
    attempt = 0;
    if (ws) {
      socket = null;
      stopPing();
      ws.onopen = ws.onmessage = ws.onerror = ws.onclose = null;
      // let the "end" frame go out before closing
      setTimeout(function () { try { ws.close(1000, "ended"); } catch (e) { /* gone */ } }, 50);
    }
    historyReceived = false;
    transcriptTried = false;
    clearTranscript();
    setTyping(false);
    setMode("assistant");
    setStatus("idle", "");
  }

  /** Forget the conversation here: id, pending messages, draft, transcript. */
  function forget() {
    dropConversation();
    clearTimeout(documentTimer);
    documentState = null;
    upload.hidden = true;
    rejectedId = null;
    local.del(KEYS.resident);
    pending = [];
    savePending();
    session.del(KEYS.draft);
    input.value = "";
    endedLine = buildNotice("ended", "The chat has ended and has been cleared from this browser. Type a message to start a new one.", null);
    log.appendChild(endedLine);
  }

  /* ---------- opening and closing ---------- */
  function isFullscreen() { return window.matchMedia && window.matchMedia(FULLSCREEN).matches; }

  function openPanel(moveFocus) {
    panel.hidden = false;
    launcher.setAttribute("aria-expanded", "true");
    root.classList.add("dpa-chat--open");
    document.documentElement.classList.add("dpa-chat-is-open");
    panel.setAttribute("aria-modal", isFullscreen() ? "true" : "false");
    session.set(KEYS.open, "1");
    unreadCount = 0;
    unread.hidden = true;
    unread.textContent = "";
    ensureConversation();
    scrollToEnd();
    if (moveFocus) input.focus();
  }

  function closePanel(returnFocus) {
    hideConfirm(false);
    panel.hidden = true;
    launcher.setAttribute("aria-expanded", "false");
    root.classList.remove("dpa-chat--open");
    document.documentElement.classList.remove("dpa-chat-is-open");
    session.del(KEYS.open);
    if (returnFocus) launcher.focus();
  }

  function showConfirm() {
    confirmBox.hidden = false;
    confirmYes.focus();
  }
  function hideConfirm(refocus) {
    if (confirmBox.hidden) return;
    confirmBox.hidden = true;
    if (refocus) endButton.focus();
  }

  function focusables() {
    return Array.prototype.filter.call(
      panel.querySelectorAll("a[href], button:not([disabled]), textarea, input, select, [tabindex]:not([tabindex='-1'])"),
      function (n) { return !n.closest("[hidden]") && n.getClientRects().length > 0; });
  }

  /* ---------- events ---------- */
  launcher.addEventListener("click", function () {
    if (panel.hidden) openPanel(true); else closePanel(false);
  });
  minimise.addEventListener("click", function () { closePanel(true); });
  human.addEventListener("click", function () { sendMessage(HUMAN.text, HUMAN.display); input.focus(); });
  endButton.addEventListener("click", showConfirm);
  confirmNo.addEventListener("click", function () { hideConfirm(true); });
  confirmYes.addEventListener("click", function () {
    hideConfirm(false);
    endChat();
    input.focus();
  });
  form.addEventListener("submit", function (event) { event.preventDefault(); submit(); });
  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      submit();
    }
  });
  input.addEventListener("input", function () {
    if (input.value) session.set(KEYS.draft, input.value); else session.del(KEYS.draft);
  });
  panel.addEventListener("keydown", function (event) {
    if (event.key === "Escape" || event.key === "Esc") {
      event.preventDefault();
      if (!confirmBox.hidden && confirmBox.contains(document.activeElement)) { hideConfirm(true); return; }
      closePanel(true);
      return;
    }
    if (event.key === "Tab" && isFullscreen()) {
      // full screen covers the page: keep focus inside, where it can be seen
      var items = focusables();
      if (!items.length) return;
      var first = items[0], last = items[items.length - 1];
      if (event.shiftKey && document.activeElement === first) { event.preventDefault(); last.focus(); }
      else if (!event.shiftKey && document.activeElement === last) { event.preventDefault(); first.focus(); }
    }
  });
  if (window.matchMedia) {
    var mq = window.matchMedia(FULLSCREEN);
    var onChange = function () { if (!panel.hidden) panel.setAttribute("aria-modal", mq.matches ? "true" : "false"); };
    if (mq.addEventListener) mq.addEventListener("change", onChange); else if (mq.addListener) mq.addListener(onChange);
  }
  window.addEventListener("online", function () {
    if (residentId && !socket) { attempt = 0; clearTimeout(reconnectTimer); reconnectTimer = null; connect(); }
    else if (!residentId && issueTimer) { attempt = 0; issueResidentId(); }
  });
  window.addEventListener("offline", function () {
    // the browser knows the network is gone: say so now rather than after a ping times out
    if (socket) lost();
  });
  window.addEventListener("storage", function (event) {
    // "End chat" in another tab ends it here too
    if (event.key === KEYS.resident && !event.newValue && residentId) forget();
  });

  /* ---------- documents ---------- */
  var documentState = null;
  var documentTimer = null;
  var uploading = false;
  function documentsUrl() { return CONFIG.hub + "/chat/documents?resident=" + encodeURIComponent(residentId); }
  /** Ask the hub (soon, once) what the request in this chat still waits for. */
  function refreshDocuments(delay) {
    clearTimeout(documentTimer);
    documentTimer = setTimeout(function () {
      if (!residentId) return;
      var asked = residentId;
      fetch(documentsUrl(), { credentials: "omit" })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (state) { if (state && asked === residentId) showDocuments(state); })
        .catch(function () { /* offline: the next reply asks again */ });
    }, delay || 0);
  }
  function showDocuments(state) {
    documentState = state;
    var awaiting = Array.isArray(state.awaiting) ? state.awaiting : [];
    var sent = Array.isArray(state.sent) ? state.sent : [];
    if (!state.reference || (!awaiting.length && !sent.length)) { upload.hidden = true; return; }
    var wasHidden = upload.hidden;
    upload.hidden = false;
    var names = awaiting.map(function (a) { return String(a.label).toLowerCase(); }).join(" or ");
    uploadSummary.textContent = awaiting.length ? "Send your " + names : "Documents you sent";
    uploadHint.textContent = awaiting.length
      ? "For request " + state.reference + ": " + state.allowed_text + ", up to " + state.max_size_text +
        " each (" + state.remaining + " more file" + (state.remaining === 1 ? "" : "s") + " allowed). " +
        "It is sent to the council's data protection team only, and kept encrypted."
      : "Request " + state.reference + " is not waiting for any documents.";
    purposeSelect.textContent = "";
    awaiting.forEach(function (a) { purposeSelect.appendChild(el("option", { value: a.purpose }, a.label)); });
    // Preselect the first one not sent yet (or sent and not accepted), so the next file is the next document.
    var sentPurposes = sent.filter(function (d) { return d.status !== "rejected"; }).map(function (d) { return d.purpose; });
    var next = awaiting.filter(function (a) { return sentPurposes.indexOf(a.purpose) < 0; })[0];
    if (next) purposeSelect.value = next.purpose;
    purposeField.hidden = awaiting.length < 2;
    var canSend = awaiting.length > 0 && state.remaining > 0;
    [fileField, cameraField, uploadButton].forEach(function (n) { n.hidden = !canSend; });
    sentList.textContent = "";
    sent.forEach(function (d) {
      sentList.appendChild(el("li", { "class": "dpa-chat__sent-item dpa-chat__sent-item--" + d.status },
        d.label + " (" + d.received_on + "): " + d.status_text));
    });
    if (wasHidden && awaiting.length) upload.open = true;
  }
  function chosenFile() {
    return (cameraInput.files && cameraInput.files[0]) || (fileInput.files && fileInput.files[0]) || null;
  }
  fileInput.addEventListener("change", function () { if (fileInput.files && fileInput.files.length) cameraInput.value = ""; uploadError.textContent = ""; });
  cameraInput.addEventListener("change", function () { if (cameraInput.files && cameraInput.files.length) fileInput.value = ""; uploadError.textContent = ""; });
  uploadForm.addEventListener("submit", function (event) {
    event.preventDefault();
    if (uploading || !residentId || !documentState) return;
    var file = chosenFile();
    uploadError.textContent = "";
    uploadStatus.textContent = "";
    if (!file) { uploadError.textContent = "Choose a photo or PDF first."; fileInput.focus(); return; }
    if (documentState.max_bytes && file.size > documentState.max_bytes) {
      uploadError.textContent = "That file is too large. The limit is " + documentState.max_size_text + ": please send a smaller photo or PDF.";
      return;
    }
    var body = new FormData();
    body.append("purpose", purposeSelect.value || "");
    body.append("document", file, file.name || "document");
    uploading = true;
    uploadButton.disabled = true;
    uploadStatus.textContent = "Sending your document…";
    fetch(documentsUrl(), { method: "POST", body: body, credentials: "omit" })
      .then(function (response) {
        return response.json().then(function (payload) { return payload; },
          function () { return { ok: false, text: "The document could not be sent (error " + response.status + "). Please try again." }; });
      })
      .then(function (payload) {
        if (payload && payload.ok) {
          uploadStatus.textContent = payload.text;
          fileInput.value = "";
          cameraInput.value = "";
        } else {
          uploadStatus.textContent = "";
          uploadError.textContent = (payload && payload.text) || "The document could not be sent. Please try again.";
        }
      }, function () {
        uploadStatus.textContent = "";
        uploadError.textContent = "The document could not be sent: the connection failed. Nothing was stored; please try again.";
      })
      .then(function () { uploading = false; uploadButton.disabled = false; refreshDocuments(0); });
  });

  /* ---------- start ---------- */
  function start() {
    var link = el("link", { rel: "stylesheet", href: CONFIG.hub + "/widget.css" });
    link.addEventListener("load", function () { root.hidden = false; });
    link.addEventListener("error", function () { root.hidden = false; });
    document.head.appendChild(link);
    document.body.appendChild(root);
    pending.forEach(renderPending);
    if (rejectedId) startAfresh();
    else if (residentId) connect();
    if (residentId || issuing) {
      // Open on the last page: open here too, without taking the focus from the page. Not when
      // it would cover the whole screen: the resident came to this page to read it.
      if (session.get(KEYS.open) && !isFullscreen()) openPanel(false);
    }
    // test hook: lets tests observe state without reaching into closures
    root.dpaChat = {
      residentId: function () { return residentId; },
      pending: function () { return pending.slice(); },
      connected: function () { return !!(socket && socket.readyState === WebSocket.OPEN && historyReceived); }
    };
  }

  if (document.body) start();
  else document.addEventListener("DOMContentLoaded", start);
})();
