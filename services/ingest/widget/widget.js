// The embeddable chat widget. A website adds
//   <script src="https://<ingest>/ingest/v1/chat/widget.js" data-widget-id="wgt_…" async></script>
// and gets a launcher and a chat panel, isolated in a shadow root. The visitor's session (id and
// token) is kept in localStorage, so the conversation survives reloads; messages carry a client id,
// so a retried send is stored once; replies arrive live over a WebSocket that reconnects. Outside
// the widget's business hours it takes a message and an email address instead.
(function () {
  'use strict';
  var script = document.currentScript;
  var widgetId = script && script.getAttribute('data-widget-id');
  if (!widgetId || !/^wgt_[\w-]+$/.test(widgetId)) {
    if (window.console) console.error('inbox chat: data-widget-id is missing or malformed');
    return;
  }
  var origin = new URL(script.src, location.href).origin;
  var api = origin + '/ingest/v1';
  var storeKey = 'inbox-chat:' + widgetId;

  var CSS =
    ':host{all:initial;font:14px/1.4 system-ui,sans-serif;color:#1f2328}' +
    '.launcher{position:fixed;right:20px;bottom:20px;z-index:2147483000;border:0;border-radius:24px;padding:12px 18px;background:#2f5bea;color:#fff;font:inherit;font-weight:600;cursor:pointer;box-shadow:0 4px 14px rgba(0,0,0,.2)}' +
    '.panel{position:fixed;right:20px;bottom:76px;z-index:2147483000;width:340px;max-width:calc(100vw - 40px);height:460px;max-height:calc(100vh - 100px);display:flex;flex-direction:column;background:#fff;border-radius:12px;box-shadow:0 8px 30px rgba(0,0,0,.25);overflow:hidden}' +
    // [hidden] must win over every display rule below (forms and labels are flex), or the start
    // form stays on screen beside the conversation and squeezes it to a strip.
    '[hidden]{display:none!important}' +
    'header{background:#2f5bea;color:#fff;padding:12px 14px}header h2{margin:0;font-size:15px}header p{margin:2px 0 0;font-size:12px;opacity:.9}' +
    // The log region scrolls; the list inside keeps its list semantics (a role on the ul would drop them).
    '.log{flex:1;overflow-y:auto;padding:12px}.entries{display:flex;flex-direction:column;gap:8px;margin:0;padding:0;list-style:none}' +
    '.log li{max-width:80%;padding:8px 10px;border-radius:10px;white-space:pre-wrap;word-wrap:break-word}' +
    '.log .visitor{align-self:flex-end;background:#2f5bea;color:#fff}.log .agent{align-self:flex-start;background:#eef1f6}' +
    '.log .author{display:block;font-size:11px;opacity:.75}' +
    '.choices{display:flex;flex-wrap:wrap;gap:6px;margin-top:8px}.choices button{border:1px solid #2f5bea;background:#fff;color:#2f5bea;border-radius:14px;padding:4px 10px;font:inherit;cursor:pointer}' +
    'form{display:flex;flex-direction:column;gap:8px;padding:12px;border-top:1px solid #e5e7eb}' +
    'label{display:flex;flex-direction:column;gap:4px;font-size:12px}' +
    'input,textarea{font:inherit;padding:8px;border:1px solid #c9ced6;border-radius:8px}textarea{resize:vertical;min-height:60px}' +
    'button[type=submit]{border:0;border-radius:8px;padding:9px;background:#2f5bea;color:#fff;font:inherit;font-weight:600;cursor:pointer}' +
    '.typing{margin:0 12px;min-height:16px;font-size:12px;color:#57606a;font-style:italic}.error{color:#b42318;font-size:12px;margin:0}.compose{flex-direction:row}.compose input{flex:1}';

  var host = document.createElement('div');
  host.setAttribute('data-inbox-chat', widgetId);
  var root = host.attachShadow({ mode: 'open' });
  root.innerHTML =
    '<style>' + CSS + '</style>' +
    '<button class="launcher" type="button" aria-expanded="false" aria-controls="panel">Chat with us</button>' +
    '<section class="panel" id="panel" role="dialog" aria-label="Chat" hidden>' +
    '<header><h2 class="title">Chat</h2><p class="status"></p></header>' +
    '<div class="log" role="log" aria-live="polite" aria-label="Conversation"><ul class="entries"></ul></div>' +
    '<p class="typing" aria-live="polite"></p>' +
    '<form class="start" novalidate>' +
    '<label class="name-field">Name<input name="name" autocomplete="name" maxlength="200"></label>' +
    '<label class="email-field">Email<input name="email" type="email" autocomplete="email" maxlength="320"></label>' +
    '<label>Message<textarea name="text" required maxlength="10000"></textarea></label>' +
    '<p class="error" role="alert" hidden></p>' +
    '<button type="submit">Start chat</button></form>' +
    '<form class="compose" hidden><input name="text" aria-label="Write a message" placeholder="Write a message" maxlength="10000" autocomplete="off"><button type="submit">Send</button></form>' +
    '</section>';

  var $ = function (selector) { return root.querySelector(selector); };
  var launcher = $('.launcher'), panel = $('.panel'), log = $('.log'), entries = $('.entries'), start = $('.start'), compose = $('.compose');
  var config = { name: 'Chat', online: true, preChatEmail: 'optional' };
  var session = null;
  var socket = null, retry = 0;
  var shown = {};

  function saved() {
    try { return JSON.parse(localStorage.getItem(storeKey) || 'null'); } catch (e) { return null; }
  }
  function save(value) {
    try { if (value) localStorage.setItem(storeKey, JSON.stringify(value)); else localStorage.removeItem(storeKey); } catch { /* private mode */ }
  }
  function uuid() {
    return crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + Math.random().toString(16).slice(2);
  }

  function request(method, path, body) {
    var headers = { 'content-type': 'application/json' };
    if (session) headers['x-visitor-token'] = session.visitorToken;
    return fetch(api + path, { method: method, headers: headers, body: body ? JSON.stringify(body) : undefined }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (json) {
        if (!response.ok) {
          var error = new Error((json.error && json.error.message) || 'request failed');
          error.status = response.status;
          error.code = json.error && json.error.code;
          throw error;
        }
        return json;
      });
    });
  }

  function show(entry) {
    if (shown[entry.id]) return;
    var item = document.createElement('li');
    item.className = entry.from === 'agent' ? 'agent' : 'visitor';
    item.setAttribute('data-id', entry.id);
    if (entry.from === 'agent' && entry.authorName) {
      var author = document.createElement('span');
      author.className = 'author';
      author.textContent = entry.authorName;
      item.appendChild(author);
    }
    item.appendChild(document.createTextNode(entry.text));
    if (entry.options && entry.options.length) {
      var choices = document.createElement('span');
      choices.className = 'choices';
      entry.options.forEach(function (label) {
        var button = document.createElement('button');
        button.type = 'button';
        button.textContent = label;
        button.addEventListener('click', function () {
          choices.remove();
          send(label).catch(function () { /* the visitor can type it */ });
        });
        choices.appendChild(button);
      });
      item.appendChild(choices);
    }
    entries.appendChild(item);
    shown[entry.id] = item;
    log.scrollTop = log.scrollHeight;
  }

  function connect() {
    if (!session || socket) return;
    var url = api.replace(/^http/, 'ws') + '/chat/ws?visitorToken=' + encodeURIComponent(session.visitorToken);
    var ws = new WebSocket(url);
    socket = ws;
    ws.onmessage = function (event) {
      var frame = JSON.parse(event.data);
      if (frame.type === 'hello') {
        retry = 0;
        frame.transcript.forEach(function (entry) { show(entry); });
      } else if (frame.type === 'message') {
        show(frame.message);
        if (frame.message.from === 'agent') $('.typing').textContent = '';
      } else if (frame.type === 'typing') {
        $('.typing').textContent = frame.typing ? (frame.name || 'Someone') + ' is typing…' : '';
      }
    };
    ws.onclose = function () {
      socket = null;
      if (session) setTimeout(connect, Math.min(10000, 500 * Math.pow(2, retry++)));
    };
  }

  function enterConversation() {
    start.hidden = true;
    compose.hidden = false;
    connect();
  }

  function send(text) {
    var clientMessageId = uuid();
    var attempt = function (tries) {
      return request('POST', '/chat/sessions/' + session.sessionId + '/messages', { text: text, clientMessageId: clientMessageId }).catch(function (error) {
        // Network trouble or a server hiccup: the same client id makes the retry safe.
        if ((!error.status || error.status >= 500) && tries < 5) {
          return new Promise(function (resolve) { setTimeout(resolve, 500 * Math.pow(2, tries)); }).then(function () { return attempt(tries + 1); });
        }
        throw error;
      });
    };
    return attempt(0).then(function (accepted) { show({ id: accepted.id, from: 'visitor', text: text }); });
  }

  function fail(error) {
    var message = $('.start .error');
    message.textContent = error.message;
    message.hidden = false;
  }

  start.addEventListener('submit', function (event) {
    event.preventDefault();
    $('.start .error').hidden = true;
    var form = new FormData(start);
    var email = String(form.get('email') || '').trim();
    var text = String(form.get('text') || '').trim();
    if (!text) return fail(new Error('Write a message first.'));
    if ((config.preChatEmail === 'required' || !config.online) && !email) return fail(new Error('Please tell us your email address so we can answer.'));
    var visitor = {};
    var name = String(form.get('name') || '').trim();
    if (name) visitor.name = name;
    if (email && config.preChatEmail !== 'off') visitor.email = email;
    if (email && !config.online) visitor.email = email;
    request('POST', '/chat/' + widgetId + '/sessions', visitor)
      .then(function (created) {
        session = { sessionId: created.sessionId, visitorToken: created.visitorToken };
        save(session);
        enterConversation();
        return send(text);
      })
      .then(function () { start.reset(); })
      .catch(fail);
  });

  // The agents see the visitor typing: a signal when typing starts (repeated while it goes on)
  // and one when it stops or the message is sent.
  var typingSince = 0, typingTimer = null;
  function typing(active) {
    if (!socket || socket.readyState !== 1) return;
    if (active && Date.now() - typingSince < 3000) return;
    typingSince = active ? Date.now() : 0;
    socket.send(JSON.stringify({ type: 'typing', typing: active }));
  }
  compose.elements.text.addEventListener('input', function () {
    typing(true);
    clearTimeout(typingTimer);
    typingTimer = setTimeout(function () { typing(false); }, 4000);
  });

  compose.addEventListener('submit', function (event) {
    event.preventDefault();
    var input = compose.elements.text;
    var text = input.value.trim();
    if (!text) return;
    if (!session) {
      // No conversation yet: the words go to the start form, nothing is lost.
      start.elements.text.value = text;
      input.value = '';
      compose.hidden = true;
      start.hidden = false;
      start.elements.text.focus();
      return;
    }
    clearTimeout(typingTimer);
    typing(false);
    input.value = '';
    send(text).catch(function (error) {
      if (error.status === 401) {
        // The session expired: start over.
        save(null);
        session = null;
        compose.hidden = true;
        start.hidden = false;
      }
      input.value = text;
    });
  });

  launcher.addEventListener('click', function () {
    var open = panel.hidden;
    panel.hidden = !open;
    launcher.setAttribute('aria-expanded', String(open));
    if (open) (compose.hidden ? start.elements.text : compose.elements.text).focus();
  });

  function applyConfig() {
    $('.title').textContent = config.name;
    $('.status').textContent = config.online ? 'We usually answer within minutes.' : 'We are offline right now. Leave a message and we will answer by email.';
    $('.email-field').hidden = config.preChatEmail === 'off' && config.online;
    start.querySelector('button').textContent = config.online ? 'Start chat' : 'Send message';
  }

  request('GET', '/chat/' + widgetId + '/config')
    .then(function (loaded) { config = loaded; })
    .catch(function () { /* keep the defaults: a chat that works beats a perfect header */ })
    .then(function () {
      applyConfig();
      session = saved();
      if (session) enterConversation();
      document.body.appendChild(host);
    });
})();
