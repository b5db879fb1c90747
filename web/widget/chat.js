/*
 * The PHT pre-screen chat widget: plain JavaScript over socket.io-client 4 (Socket.IO
 * protocol 5, which Rasa 3.6's socket.io channel speaks). No framework, no build step.
 *
 * Mount: <div data-pht-chat data-config="/widget/config.json"></div> with socket.io.js loaded.
 * The config gives the Rasa server's URL, the widget's words and the warning card. The conversation lives on the server; this tab keeps
 * only its random session id (sessionStorage), and the server sends the history back after a
 * reload (channels/socketio.py), so the next person at a shared computer does not see it.
 */
(function () {
  "use strict";

  // The widget's words come with its config (/widget/config.json: the domain's utter_widget_*
  // responses, domain/channels.yml), so that each sentence is written in one place.
  var STRINGS = {};
  var START_MESSAGE = "/greet";
  var SESSION_KEY = "pht-chat-session";
  var TYPING_GRACE_MS = 700; // the bot's paragraphs arrive as separate messages in a burst

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  // Text to nodes: line breaks kept, web addresses as links. Never innerHTML: bot text is text.
  var URL_PATTERN = /(https?:\/\/[^\s<>"]+[^\s<>".,;:!?)\]])/g;
  function renderText(container, text) {
    text.split("\n").forEach(function (line, index) {
      if (index > 0) container.appendChild(document.createElement("br"));
      var last = 0;
      line.replace(URL_PATTERN, function (url, _group, offset) {
        if (offset > last) container.appendChild(document.createTextNode(line.slice(last, offset)));
        var link = element("a", null, url);
        link.href = url;
        link.target = "_blank";
        link.rel = "noopener noreferrer";
        link.appendChild(element("span", "pht-visually-hidden", " " + STRINGS.new_tab));
        container.appendChild(link);
        last = offset + url.length;
        return url;
      });
      if (last < line.length) container.appendChild(document.createTextNode(line.slice(last)));
    });
  }

  function Chat(root, config) {
    this.root = root;
    this.config = config;
    this.checkIn = root.getAttribute("data-check-in"); // a check-in page's signed link (web/server.py)
    this.build();
    if (this.checkIn) this.startCheckIn();
    else this.connect();
  }

  // A check-in opened by its link: the website server starts it in the visitor's conversation and
  // answers with that conversation's session, which the widget then joins (the history shows the
  // check-in's first question). The link, not this page, decides whose check-in it is.
  Chat.prototype.startCheckIn = function () {
    var chat = this;
    fetch("/check-in/start", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ token: this.checkIn }),
      credentials: "same-origin",
    })
      .then(function (reply) {
        return reply.json().then(function (answer) {
          return { ok: reply.ok, answer: answer || {} };
        });
      })
      .then(function (result) {
        if (!result.ok || !result.answer.session_id) {
          chat.setStatus(result.answer.message || STRINGS.unreachable, true);
          chat.setConnected(false);
          return;
        }
        sessionStorage.setItem(SESSION_KEY, result.answer.session_id);
        chat.connect();
      })
      .catch(function () {
        chat.setStatus(STRINGS.unreachable, true);
        chat.setConnected(false);
      });
  };

  Chat.prototype.build = function () {
    var section = element("section", "pht-chat");
    section.setAttribute("aria-labelledby", "pht-chat-title");
    var title = element("h2", "pht-chat__title", STRINGS.title);
    title.id = "pht-chat-title";
    var notice = element("p", "pht-chat__notice");
    notice.appendChild(element("strong", null, STRINGS.notice_strong));
    // the cauda equina warning card, from the knowledge base through /widget/config.json
    notice.appendChild(document.createTextNode(" " + (this.config.notice || "")));
    var intro = element("p", "pht-chat__intro", STRINGS.intro);

    this.status = element("p", "pht-chat__status");
    this.status.setAttribute("role", "status");
    this.status.textContent = STRINGS.connecting;

    this.log = element("div", "pht-chat__log");
    this.log.setAttribute("role", "log");
    this.log.setAttribute("aria-live", "polite");
    this.log.setAttribute("aria-label", STRINGS.log_label);
    this.log.tabIndex = 0; // scrollable region: reachable and scrollable by keyboard
    // stay at the latest message when the layout changes (a phone turned, a window resized)
    var log = this.log;
    var atBottom = true;
    log.addEventListener("scroll", function () {
      atBottom = log.scrollHeight - log.scrollTop - log.clientHeight < 24;
    });
    window.addEventListener("resize", function () {
      if (atBottom) log.scrollTop = log.scrollHeight;
    });

    this.typing = element("p", "pht-chat__typing");
    this.typing.hidden = true;
    this.typing.appendChild(element("span", "pht-chat__dots"));
    this.typing.appendChild(document.createTextNode(STRINGS.typing));

    var form = element("form", "pht-chat__form");
    var label = element("label", "pht-chat__label", STRINGS.input_label);
    label.htmlFor = "pht-chat-input";
    this.input = element("input", "pht-chat__input");
    this.input.id = "pht-chat-input";
    this.input.type = "text";
    this.input.autocomplete = "off";
    this.input.maxLength = 1000;
    this.sendButton = element("button", "pht-chat__send", STRINGS.send);
    this.sendButton.type = "submit";
    var row = element("div", "pht-chat__row");
    row.appendChild(this.input);
    row.appendChild(this.sendButton);
    form.appendChild(label);
    form.appendChild(row);
    form.addEventListener("submit", this.onSubmit.bind(this));

    [title, notice, intro, this.status, this.log, this.typing, form].forEach(function (part) {
      section.appendChild(part);
    });
    this.root.appendChild(section);
  };

  Chat.prototype.connect = function () {
    var socket = (this.socket = window.io(this.config.server, {
      path: this.config.path || "/socket.io",
      transports: ["websocket", "polling"],
      reconnectionDelayMax: 5000,
    }));
    var chat = this;
    var everConnected = false;
    socket.on("connect", function () {
      // a new socket must ask for its session again, or the replies go to a room it is not in
      socket.emit("session_request", { session_id: sessionStorage.getItem(SESSION_KEY) });
      chat.setStatus(everConnected ? STRINGS.reconnected : "", false);
      everConnected = true;
      chat.setConnected(true);
    });
    socket.on("session_confirm", function (sessionId) {
      var id = typeof sessionId === "string" ? sessionId : sessionId && sessionId.session_id;
      if (id) sessionStorage.setItem(SESSION_KEY, id);
      chat.sessionId = id;
    });
    socket.on("session_history", function (messages) {
      chat.showHistory(messages || []);
    });
    socket.on("bot_uttered", function (message) {
      chat.showBot(message);
    });
    // someone from the clinic holds the conversation: the message reached them, and the
    // assistant will not answer it, so it is not shown typing
    socket.on("held_by_staff", function () {
      chat.setTyping(false);
    });
    socket.on("connect_error", function () {
      chat.setStatus(STRINGS.unreachable, true);
      chat.setConnected(false);
    });
    socket.on("disconnect", function () {
      chat.setStatus(STRINGS.unreachable, true);
      chat.setConnected(false);
    });
  };

  Chat.prototype.setStatus = function (text, problem) {
    this.status.textContent = text;
    this.status.classList.toggle("pht-chat__status--problem", Boolean(problem));
  };

  Chat.prototype.setConnected = function (connected) {
    this.connected = connected;
    this.sendButton.disabled = !connected;
    if (!connected) this.setTyping(false);
  };

  Chat.prototype.showHistory = function (messages) {
    this.log.textContent = "";
    var chat = this;
    messages.forEach(function (message) {
      if (message.sender === "user") chat.addMessage("user", message.text);
      else chat.showBot(message, true);
    });
    // the assistant says hello first (a check-in has begun already: its question is in the history)
    if (!messages.length && !this.checkIn) this.send(START_MESSAGE, null);
  };

  // who wrote a message, read out before it: the person, the assistant, or (`staff`, shown too)
  // the person from the clinic who holds the conversation, by their first name
  Chat.prototype.addMessage = function (who, text, staffName) {
    var item = element("div", "pht-msg pht-msg--" + who);
    if (who === "staff") {
      item.appendChild(element("span", "pht-msg__who", STRINGS.staff.replace("{name}", staffName)));
    } else {
      item.appendChild(element("span", "pht-visually-hidden", who === "user" ? STRINGS.you : STRINGS.assistant));
    }
    var bubble = element("p", "pht-msg__text");
    renderText(bubble, text || "");
    item.appendChild(bubble);
    this.log.appendChild(item);
    this.log.scrollTop = this.log.scrollHeight;
    return item;
  };

  Chat.prototype.showBot = function (message, fromHistory) {
    this.removeOptions();
    // a message from the clinic's staff member (channels/socketio.py): their own words, under their name
    if (message.staff) this.addMessage("staff", message.staff.text, message.staff.name);
    else if (message.text) this.addMessage("bot", message.text);
    var replies = message.quick_replies || message.buttons || [];
    if (replies.length) this.addOptions(replies);
    if (!fromHistory) this.settleTyping();
  };

  Chat.prototype.addOptions = function (replies) {
    var group = element("div", "pht-options");
    group.setAttribute("role", "group");
    group.setAttribute("aria-label", STRINGS.options);
    var chat = this;
    replies.forEach(function (reply) {
      var button = element("button", "pht-option", reply.title);
      button.type = "button";
      button.addEventListener("click", function () {
        if (!chat.connected) return;
        chat.removeOptions();
        chat.addMessage("user", reply.title);
        chat.send(reply.payload, reply.title);
        chat.input.focus(); // the focused button is gone: continue where the next answer goes
      });
      group.appendChild(button);
    });
    this.log.appendChild(group);
    this.log.scrollTop = this.log.scrollHeight;
  };

  Chat.prototype.removeOptions = function () {
    var groups = this.log.querySelectorAll(".pht-options");
    for (var i = 0; i < groups.length; i++) groups[i].remove();
  };

  Chat.prototype.onSubmit = function (event) {
    event.preventDefault();
    var text = this.input.value.trim();
    if (!text || !this.connected) return;
    this.removeOptions();
    this.addMessage("user", text);
    this.input.value = "";
    this.send(text, null);
  };

  Chat.prototype.send = function (message, display) {
    if (this.connected) this.setStatus("", false); // the reconnected notice has been read by now
    var data = { message: message, session_id: this.sessionId };
    if (display) data.metadata = { display: display };
    this.socket.emit("user_uttered", data);
    this.setTyping(true);
  };

  Chat.prototype.setTyping = function (on) {
    clearTimeout(this.typingTimer);
    this.typing.hidden = !on;
  };

  Chat.prototype.settleTyping = function () {
    var chat = this;
    clearTimeout(this.typingTimer);
    this.typingTimer = setTimeout(function () {
      chat.typing.hidden = true;
    }, TYPING_GRACE_MS);
  };

  function start() {
    var roots = document.querySelectorAll("[data-pht-chat]");
    Array.prototype.forEach.call(roots, function (root) {
      fetch(root.getAttribute("data-config") || "/widget/config.json")
        .then(function (reply) {
          return reply.json();
        })
        .then(function (config) {
          STRINGS = config.strings || {};
          root.phtChat = new Chat(root, config);
        });
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
