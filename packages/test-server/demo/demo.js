// The ackwire demo page: a chat over an acknowledged topic, live cursors over binary volatile
// messages, the connection's vital signs, and buttons that inject the test server's faults.
/* global Ackwire */
'use strict';

const $ = (id) => document.getElementById(id);
const client = new Ackwire.AckwireClient('/rt');
window.demoClient = client;
const name = `tab-${client.clientId.slice(0, 4)}`;
$('me').textContent = name;

// ---------------------------------------------------------------- connection state and stats
function log(text) {
  const li = document.createElement('li');
  li.textContent = `${new Date().toLocaleTimeString()}  ${text}`;
  $('log').prepend(li);
  while ($('log').children.length > 200) $('log').lastChild.remove();
}

client.on('state', ({ from, to, reason }) => {
  $('state').textContent = to;
  $('state').dataset.state = to;
  log(`${from} → ${to}${reason ? ` (${reason})` : ''}`);
  if (to === 'open') {
    for (const li of document.querySelectorAll('#messages li[data-state="queued"]')) {
      setMessageState(li, 'sent');
    }
  }
});
client.on('error', (err) => log(`error ${err.code}: ${err.message}`));

setInterval(() => {
  const s = client.stats();
  $('rtt').textContent = s.rtt == null ? '–' : `${Math.round(s.rtt)} ms`;
  $('queued').textContent = String(s.queued);
  $('inflight').textContent = String(s.inFlight);
  $('reconnects').textContent = String(s.reconnects);
}, 250);

// ---------------------------------------------------------------- chat: acknowledged topic
const pending = new Map(); // local message id -> <li>, until our own publication comes back

function setMessageState(li, state) {
  li.dataset.state = state;
  const badge = li.querySelector('.badge');
  badge.className = `badge ${state}`;
  badge.textContent = state;
}

function addMessage(from, text, state) {
  const li = document.createElement('li');
  li.innerHTML = '<span class="badge"></span><b></b><span class="text"></span>';
  li.querySelector('b').textContent = `${from}:`;
  li.querySelector('.text').textContent = text;
  setMessageState(li, state);
  $('messages').append(li);
  $('messages').scrollTop = $('messages').scrollHeight;
  return li;
}

const chat = client.subscribe('demo:chat', (data) => {
  if (pending.has(data.local)) return; // our own message: its receipt updates it
  addMessage(data.name, data.text, 'acknowledged');
});
chat.on('subscribed', ({ recovered }) => log(`subscribed to demo:chat (recovered: ${recovered})`));
chat.on('gap', () => log('demo:chat: history did not cover the gap; some messages were missed'));

$('chat-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const text = $('chat-input').value.trim();
  if (!text) return;
  $('chat-input').value = '';
  const local = `${name}-${Date.now()}-${Math.random().toString(36).slice(2, 6)}`;
  const li = addMessage(name, text, client.state === 'open' ? 'sent' : 'queued');
  pending.set(local, li);
  client.publish('demo:chat', { name, text, local }).then(
    () => setMessageState(li, 'acknowledged'),
    (err) => {
      setMessageState(li, 'failed');
      li.title = `${err.code}: ${err.message}`;
    },
  );
});

// ---------------------------------------------------------------- cursors: binary, volatile
const board = $('board');
const cursors = new Map();
let lastSent = 0;

board.addEventListener('pointermove', (event) => {
  const now = performance.now();
  if (now - lastSent < 33) return; // about 30 updates a second is plenty for a cursor
  lastSent = now;
  const rect = board.getBoundingClientRect();
  const bytes = new Uint8Array(4);
  const view = new DataView(bytes.buffer);
  view.setUint16(0, Math.round(((event.clientX - rect.left) / rect.width) * 65535));
  view.setUint16(2, Math.round(((event.clientY - rect.top) / rect.height) * 65535));
  client.sendVolatile('cursor', bytes);
});

function colorOf(id) {
  let h = 0;
  for (const c of id) h = (h * 31 + c.charCodeAt(0)) % 360;
  return `hsl(${h} 70% 45%)`;
}

client.on('message', (msg) => {
  if (msg.type !== 'cursor' || !(msg.data instanceof Uint8Array) || msg.data.byteLength < 4) return;
  const from = msg.from ?? 'server';
  let dot = cursors.get(from);
  if (!dot) {
    dot = document.createElement('div');
    dot.className = 'cursor';
    dot.style.background = colorOf(from);
    dot.dataset.from = from;
    dot.innerHTML = '<span></span>';
    dot.querySelector('span').textContent = `tab-${from.slice(0, 4)}`;
    board.append(dot);
    cursors.set(from, dot);
  }
  const view = new DataView(msg.data.buffer, msg.data.byteOffset, msg.data.byteLength);
  dot.style.left = `${(view.getUint16(0) / 65535) * 100}%`;
  dot.style.top = `${(view.getUint16(2) / 65535) * 100}%`;
});

// ---------------------------------------------------------------- fault buttons
for (const button of document.querySelectorAll('#faults button')) {
  button.addEventListener('click', async () => {
    const fault = button.dataset.fault;
    log(`injecting fault: ${fault}`);
    try {
      const res = await fetch(`/control/${fault}`, { method: 'POST', body: '{}' });
      if (!res.ok) log(`fault ${fault} failed: ${res.status}`);
    } catch (err) {
      log(`fault ${fault} failed: ${err.message}`);
    }
  });
}
