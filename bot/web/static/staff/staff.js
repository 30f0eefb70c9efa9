/* Staff console behaviour: live queue, live conversation, replies, typing, print button.
 * Plain JS, no inline handlers (the console's CSP forbids inline script). Everything a
 * resident wrote is inserted with textContent, never as HTML. */
(function () {
  "use strict";

  function csrf() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  function post(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRF-Token": csrf() },
      body: JSON.stringify(body || {})
    });
  }

  function el(name, attrs, text) {
    var node = document.createElement(name);
    Object.keys(attrs || {}).forEach(function (key) { node.setAttribute(key, attrs[key]); });
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function localTime(iso) {
    var when = new Date(iso);
    return when.toLocaleString("en-GB", { day: "2-digit", month: "short", year: "numeric",
      hour: "2-digit", minute: "2-digit", timeZone: "Europe/London" });
  }

  function waitedWords(iso) {
    var minutes = Math.max(0, Math.floor((Date.now() - new Date(iso).getTime()) / 60000));
    if (minutes < 1) return "under a minute";
    if (minutes < 60) return minutes + " min";
    return Math.floor(minutes / 60) + " h " + (minutes % 60) + " min";
  }

  /* -- the queue ------------------------------------------------------------------------ */
  function startQueue(table) {
    var body = document.getElementById("queue-body");
    var status = document.getElementById("queue-status");
    var known = null;
    function render(items) {
      while (body.firstChild) body.removeChild(body.firstChild);
      if (!items.length) {
        var empty = el("tr");
        empty.appendChild(el("td", { colspan: "6" }, "Nobody is waiting."));
        body.appendChild(empty);
      }
      items.forEach(function (item) {
        var row = el("tr");
        row.appendChild(el("td", {}, localTime(item.requested_at)));
        row.appendChild(el("td", { "class": "waited", "data-requested-at": item.requested_at }, waitedWords(item.requested_at)));
        row.appendChild(el("td", {}, item.reason_label || item.reason));
        row.appendChild(el("td", {}, item.status === "waiting" ? "Waiting" : "With " + item.claimed_by));
        row.appendChild(el("td", {}, item.callback_offered ? "Offered" : "—"));
        var cell = el("td");
        cell.appendChild(el("a", { href: item.url }, "Open chat " + item.id));
        row.appendChild(cell);
        body.appendChild(row);
      });
      var waiting = items.filter(function (i) { return i.status === "waiting"; }).length;
      var ids = items.map(function (i) { return i.id + i.status; }).join(",");
      if (known !== null && ids !== known) {
        status.textContent = waiting + (waiting === 1 ? " conversation is" : " conversations are") + " waiting.";
      }
      known = ids;
    }
    var source = new EventSource(table.getAttribute("data-stream"));
    source.addEventListener("queue", function (event) { render(JSON.parse(event.data).queue); });
    source.addEventListener("signed_out", function () { source.close(); window.location.reload(); });
    setInterval(function () {
      Array.prototype.forEach.call(document.querySelectorAll(".waited[data-requested-at]"), function (cell) {
        cell.textContent = waitedWords(cell.getAttribute("data-requested-at"));
      });
    }, 15000);
  }

  /* -- a conversation ------------------------------------------------------------------- */
  var ROLE_LABELS = { resident: "Resident", assistant: "Assistant", staff: "Staff", system: "Notice" };

  function messageItem(msg) {
    var who = ROLE_LABELS[msg.role] || msg.role;
    if (msg.author) who += ": " + msg.author;
    var item = el("li", { "class": "msg msg--" + msg.role, "data-seq": String(msg.seq), "data-id": String(msg.id) });
    item.appendChild(el("span", { "class": "who" }, who));
    item.appendChild(document.createTextNode(" "));
    item.appendChild(el("time", { datetime: msg.at }, localTime(msg.at)));
    item.appendChild(el("p", { "class": "text" }, msg.text));
    if (msg.buttons && msg.buttons.length) {
      item.appendChild(el("p", { "class": "offered" }, "Buttons shown: " +
        msg.buttons.map(function (b) { return b.title; }).join(" · ")));
    }
    if (msg.role === "resident") item.appendChild(understood(msg.intent, msg.confidence));
    return item;
  }

  // What the assistant understood, in words: the page carries the labels
  // (bot/cases/labels.py) in data-intent-labels, so no code reaches the screen.
  var intentLabels = {};
  function intentLabel(intent) {
    return intentLabels[intent] || intent.replace(/_/g, " ");
  }

  function understood(intent, confidence) {
    var span = el("span", { "class": "understood" });
    if (intent) {
      span.textContent = "Understood as: " + intentLabel(intent) +
        (typeof confidence === "number" ? " (" + Math.round(confidence * 100) + "% sure)" : "");
    }
    return span;
  }

  function startConversation(section) {
    var log = document.getElementById("transcript");
    if (!log) return;
    var scroller = log.parentNode;  // the labelled, focusable scroll region around the list
    try { intentLabels = JSON.parse(section.getAttribute("data-intent-labels") || "{}"); } catch (e) { intentLabels = {}; }
    var typingLine = document.getElementById("typing");
    var seen = {};
    function add(msg) {
      if (seen[msg.seq]) return;
      if (!Object.keys(seen).length) while (log.firstChild) log.removeChild(log.firstChild);
      seen[msg.seq] = true;
      var item = messageItem(msg);
      var after = null;
      Array.prototype.some.call(log.children, function (child) {
        if (Number(child.getAttribute("data-seq")) > msg.seq) { after = child; return true; }
        return false;
      });
      log.insertBefore(item, after);
      scroller.scrollTop = scroller.scrollHeight;
    }
    function connect() {
      var source = new EventSource(section.getAttribute("data-stream"));
      source.addEventListener("history", function (event) {
        seen = {};
        while (log.firstChild) log.removeChild(log.firstChild);
        JSON.parse(event.data).messages.forEach(add);
      });
      source.addEventListener("message", function (event) { add(JSON.parse(event.data)); });
      source.addEventListener("understanding", function (event) {
        var data = JSON.parse(event.data);
        var item = log.querySelector('[data-id="' + String(Number(data.id)) + '"] .understood');
        if (item) item.parentNode.replaceChild(understood(data.intent, data.confidence), item);
      });
      source.addEventListener("mode", function (event) {
        var mode = JSON.parse(event.data).mode;
        var status = document.getElementById("handoff-status");
        if (status && mode === "assistant") status.textContent = "Handed back to the assistant";
      });
      source.addEventListener("resident_ended", function () {
        typingLine.textContent = "The resident ended the chat.";
      });
      source.addEventListener("resubscribe", function () { source.close(); setTimeout(connect, 500); });
      source.addEventListener("signed_out", function () { source.close(); window.location.reload(); });
    }
    connect();
  }

  function startComposer(form) {
    var text = form.querySelector("textarea");
    var button = form.querySelector("button[type=submit]");
    var typingUrl = form.getAttribute("data-typing");
    var typing = false, timer = null;
    function setTyping(on) {
      if (on === typing) return;
      typing = on;
      post(typingUrl, { on: on }).catch(function () {});
    }
    text.addEventListener("input", function () {
      setTyping(text.value.trim() !== "");
      clearTimeout(timer);
      timer = setTimeout(function () { setTyping(false); }, 5000);
    });
    text.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && !event.shiftKey) { event.preventDefault(); form.requestSubmit(); }
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var value = text.value.trim();
      if (!value) return;
      button.disabled = true;
      post(form.getAttribute("action"), { text: value }).then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        text.value = "";
        typing = false;
      }).catch(function () {
        var hint = document.getElementById("typing");
        hint.textContent = "Your message could not be sent. Try again.";
      }).then(function () { button.disabled = false; text.focus(); });
    });
  }

  /* -- on every page: chats waiting (navigation, title), the dashboard's figures ------- */
  function startLive(nav) {
    var badge = document.getElementById("nav-waiting");
    var announce = document.getElementById("live-announce");
    var baseTitle = nav.getAttribute("data-title") || document.title;
    var last = null;
    var source = new EventSource(nav.getAttribute("data-live"));
    source.addEventListener("live", function (event) {
      var data = JSON.parse(event.data);
      if (typeof data.waiting === "number" && badge) {
        var words = data.waiting + " waiting";
        badge.textContent = words;
        badge.hidden = data.waiting === 0;
        document.title = (data.waiting ? "(" + words + ") " : "") + baseTitle;
        if (last !== null && data.waiting > last && announce) {
          announce.textContent = data.waiting === 1 ? "A chat is waiting for a person."
            : data.waiting + " chats are waiting for a person.";
        }
        last = data.waiting;
      }
      Object.keys(data.tiles || {}).forEach(function (key) {
        var tile = document.querySelector('[data-tile="' + key + '"]');
        if (tile) tile.textContent = String(data.tiles[key]);
      });
    });
    source.addEventListener("signed_out", function () { source.close(); });
  }

  /* -- retrain and evaluate: the job's part of the page, fetched again while it runs ------- */
  function startEvaluate(section) {
    var announce = document.getElementById("evaluate-announce");
    var url = section.getAttribute("data-poll");
    var every = parseInt(section.getAttribute("data-poll-seconds") || "5", 10) * 1000;
    function poll() {
      fetch(url, { credentials: "same-origin", headers: { "Accept": "text/html" } })
        .then(function (response) {
          if (!response.ok) throw new Error("HTTP " + response.status);
          return response.text();
        })
        .then(function (html) {
          /* The server's own escaped HTML (no resident text unredacted, no script). */
          var parsed = new DOMParser().parseFromString(html, "text/html");
          var fresh = parsed.getElementById("evaluate-job");
          if (!fresh) return;
          var before = section.getAttribute("data-state");
          section.replaceChildren.apply(section, Array.prototype.slice.call(fresh.childNodes));
          ["data-state", "data-running", "data-state-words"].forEach(function (name) {
            section.setAttribute(name, fresh.getAttribute(name) || "");
          });
          if (announce && before !== section.getAttribute("data-state")) {
            announce.textContent = section.getAttribute("data-state-words");
          }
          if (section.getAttribute("data-running") === "true") window.setTimeout(poll, every);
        })
        .catch(function () {
          if (announce) announce.textContent = "Could not check on the job; trying again.";
          window.setTimeout(poll, every * 2);
        });
    }
    if (section.getAttribute("data-running") === "true") window.setTimeout(poll, every);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var nav = document.getElementById("console-nav");
    if (nav && nav.hasAttribute("data-live") && document.getElementById("nav-waiting") && window.EventSource) startLive(nav);
    var evaluate = document.getElementById("evaluate-job");
    if (evaluate && window.fetch && window.DOMParser) startEvaluate(evaluate);
    var queue = document.getElementById("queue-table");
    if (queue && window.EventSource) startQueue(queue);
    var conversation = document.getElementById("conversation");
    if (conversation && conversation.hasAttribute("data-stream") && window.EventSource) startConversation(conversation);
    var composer = document.getElementById("composer");
    if (composer) startComposer(composer);
    Array.prototype.forEach.call(document.querySelectorAll('[data-action="print"]'), function (button) {
      button.addEventListener("click", function () { window.print(); });
    });
  });
})();
