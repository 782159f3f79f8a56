import { ACTION_HEADER } from './requestGuard.js';

const STYLE = `
body { font: 14px system-ui, sans-serif; margin: 1.5em 2em; color: #222; }
table { border-collapse: collapse; margin-bottom: 1em; }
th, td { padding: .35em .7em; border-bottom: 1px solid #ddd; text-align: left; vertical-align: top; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
.bad { color: #b00020; font-weight: 600; }
.warn { color: #a15c00; }
.muted { color: #666; }
button { font: inherit; margin: 0 .2em .2em 0; }
pre { background: #f6f6f6; padding: .6em; overflow: auto; max-height: 24em; }
#status { color: #666; }
#dlq, #letter { border-top: 2px solid #ccc; padding-top: .5em; }
tr.letter { cursor: pointer; }
tr.letter:hover { background: #f3f7ff; }
svg polyline { fill: none; stroke-width: 1.5; }
.done { stroke: #1b7f3b; } .fail { stroke: #b00020; }`;

/**
 * The client: polls api/overview and redraws in place, opens a type's dead letters, and sends the actions
 * (pause, resume, replay) as POSTs with the action header. Paths are relative, so the page works wherever the
 * handler is mounted. A token, when the server asks for one (401), is asked of the user and kept in this tab only.
 */
const SCRIPT = `
'use strict';
const ACTION_HEADER = '${ACTION_HEADER}';
let openType = null;
let shownLetters = [];
function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v); else if (v !== undefined && v !== null) el.setAttribute(k, v);
  }
  for (const c of children.flat()) if (c !== undefined && c !== null) el.append(c instanceof Node ? c : String(c));
  return el;
}
function authHeaders() {
  const token = sessionStorage.getItem('taskstream-token');
  return token ? { authorization: 'Bearer ' + token } : {};
}
async function call(method, path, body) {
  for (let tries = 0; tries < 2; tries++) {
    const headers = Object.assign({}, authHeaders());
    if (method === 'POST') { headers[ACTION_HEADER] = '1'; headers['content-type'] = 'application/json'; }
    const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    if (res.status === 401 && tries === 0) {
      const token = prompt('This dashboard needs its token (TASKSTREAM_DASHBOARD_TOKEN):');
      if (!token) throw new Error('no token given');
      sessionStorage.setItem('taskstream-token', token);
      continue;
    }
    const answer = await res.json();
    if (!res.ok) throw new Error(answer.error || res.statusText);
    return answer;
  }
}
function say(text, bad) {
  const el = document.getElementById('status');
  el.textContent = text;
  el.className = bad ? 'bad' : '';
}
function chart(rates) {
  // One interval is one point: draw it as a level line so it shows.
  const series = rates.length === 1 ? [rates[0], rates[0]] : rates;
  const w = 120, hgt = 28;
  const max = Math.max(1, ...series.map((p) => Math.max(p.processed, p.failed)));
  const pts = (key) => series.map((p, i) => ((i / Math.max(1, series.length - 1)) * w).toFixed(1) + ',' + (hgt - (p[key] / max) * (hgt - 2) - 1).toFixed(1)).join(' ');
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('width', w); svg.setAttribute('height', hgt);
  svg.innerHTML = '<line x1="0" y1="' + (hgt - 0.5) + '" x2="' + w + '" y2="' + (hgt - 0.5) + '" stroke="#ccc"/>' +
    (series.length < 2 ? '' : '<polyline class="done" points="' + pts('processed') + '"/><polyline class="fail" points="' + pts('failed') + '"/>');
  return svg;
}
function stateOf(t) {
  if (!t.topicExists) return h('span', { class: 'bad' }, 'topic missing: taskstream topics create ' + t.type);
  if (t.readError) return h('span', { class: 'warn' }, 'the brokers could not say: ' + t.readError);
  if (t.paused) return h('span', { class: 'warn' }, 'paused');
  if (t.lag > 0 && t.members === 0) return h('span', { class: 'bad' }, 'tasks waiting and no worker running');
  return t.members > 0 ? 'running (' + t.groupState.toLowerCase() + ')' : 'idle';
}
function cell(field, value, cls) { return h('td', { 'data-field': field, class: cls }, value); }
function row(t) {
  const r = t.rates;
  const workers = t.workers.length === 0 ? h('span', { class: 'muted' }, 'none')
    : t.workers.map((w) => h('div', { 'data-worker': w.memberId }, w.clientId + ' @ ' + w.host + ': ' + (w.partitions.length ? w.partitions.join(', ') : 'no partitions')));
  const pct = r.failureRate === null ? '-' : (r.failureRate * 100).toFixed(1) + '%';
  return h('tr', { 'data-type': t.type },
    cell('type', t.type),
    cell('state', stateOf(t)),
    cell('workers', workers),
    cell('lag', t.lag, 'n' + (t.lag > 0 && t.members === 0 ? ' bad' : '')),
    cell('retrying', t.retrying, 'n'),
    cell('delayed', t.delayed === null ? '-' : t.delayed.waiting, t.delayed === null ? 'n muted' : 'n'),
    cell('nextDue', t.delayed === null || t.delayed.nextDueAt === null ? '-' : t.delayed.nextDueAt, 'muted'),
    cell('deadLetters', t.deadLetters, 'n' + (t.deadLetters > 0 ? ' warn' : '')),
    cell('processed', r.processed, 'n'),
    cell('perMinute', r.processedPerMinute.toFixed(1), 'n'),
    cell('failed', r.failed, 'n'),
    cell('failureRate', pct, 'n'),
    cell('chart', chart(r.series)),
    h('td', {},
      t.paused
        ? h('button', { 'data-action': 'resume', onclick: () => act(t.type, 'resume', 'Resume ' + t.type + '? Its workers start its tasks again.') }, 'Resume')
        : h('button', { 'data-action': 'pause', onclick: () => act(t.type, 'pause', 'Pause ' + t.type + '? Every worker stops starting its tasks; running ones finish.') }, 'Pause'),
      h('button', { 'data-action': 'dead-letters', onclick: () => openLetters(t.type) }, 'Dead letters')));
}
function schedules(s) {
  const box = document.getElementById('schedules');
  box.replaceChildren();
  if (s === null) return;
  box.append(h('h2', {}, 'schedules'));
  if (s.error) { box.append(h('p', { class: 'bad' }, s.error)); return; }
  box.append(h('p', {}, 'group ' + s.group + ': ', s.leaseHolder === null ? h('span', { class: 'bad' }, 'no scheduler holds the lease: nothing fires') : 'fired by ' + s.leaseHolder));
  box.append(h('table', {}, h('thead', {}, h('tr', {}, ['schedule', 'task type', 'cron', 'next', 'last fired'].map((c) => h('th', {}, c)))),
    h('tbody', {}, s.schedules.map((x) => h('tr', { 'data-schedule': x.name }, [x.name, x.task, x.cron + ' (' + x.timezone + ')', x.next[0] || '-', x.lastFired || 'never'].map((c) => h('td', {}, c)))))));
}
function fmtMs(ms) { return ms < 1000 ? ms + ' ms' : (ms / 1000).toFixed(1) + ' s'; }
function stuck(types) {
  const rows = types.flatMap((t) => t.stuck.map((s) => h('tr', { 'data-stuck': s.taskId },
    [t.type, s.taskId, s.workerId, s.partition, s.offset, fmtMs(s.elapsedMs),
      s.lastHeartbeatAt ? new Date(s.lastHeartbeatAt).toISOString() : 'never',
      s.progress ? s.progress.done + (s.progress.total ? '/' + s.progress.total : '') : '-'].map((c) => h('td', {}, c)))));
  const box = document.getElementById('stuck');
  box.replaceChildren();
  if (rows.length === 0) return;
  box.append(h('h2', { class: 'bad' }, 'stuck tasks (running longer than their type expects)'),
    h('table', {}, h('thead', {}, h('tr', {}, ['task type', 'task id', 'worker', 'partition', 'offset', 'running for', 'last heartbeat', 'progress'].map((c) => h('th', {}, c)))), h('tbody', {}, rows)));
}
async function refresh() {
  try {
    const o = await call('GET', 'api/overview');
    document.getElementById('types').replaceChildren(...o.types.map(row));
    stuck(o.types);
    schedules(o.schedules);
    say('read at ' + o.at + (o.redisError ? ' (Redis: ' + o.redisError + ')' : '') + '; rates over the last ' + Math.round(o.rateWindowMs / 60000) + ' min', !!o.redisError);
    document.body.dataset.readAt = o.at;
  } catch (err) {
    say('could not read the overview: ' + err.message, true);
  }
}
async function act(type, action, question) {
  if (!confirm(question)) return;
  try {
    await call('POST', 'api/types/' + encodeURIComponent(type) + '/' + action);
    say(type + ': ' + action + 'd');
    await refresh();
  } catch (err) { say(action + ' failed: ' + err.message, true); }
}
function filterFields() {
  const iso = (id) => { const v = document.getElementById(id).value; return v ? new Date(v).toISOString() : ''; };
  return { error: document.getElementById('f-error').value, since: iso('f-since'), until: iso('f-until') };
}
async function openLetters(type) {
  openType = type;
  document.getElementById('dlq').hidden = false;
  document.getElementById('dlq-type').textContent = type;
  document.getElementById('letter').hidden = true;
  await loadLetters();
}
async function loadLetters() {
  const q = new URLSearchParams(filterFields());
  try {
    const list = await call('GET', 'api/types/' + encodeURIComponent(openType) + '/dead-letters?' + q);
    shownLetters = list.letters;
    document.getElementById('dlq-count').textContent = list.matching + ' of ' + list.stored + ' dead letters in ' + list.dlqTopic + ' match' + (list.letters.length < list.matching ? ' (newest ' + list.letters.length + ' shown)' : '');
    document.getElementById('letters').replaceChildren(...list.letters.map((l) => h('tr', { class: 'letter', 'data-position': l.position, onclick: (e) => { if (e.target.type !== 'checkbox') showLetter(l.position); } },
      h('td', {}, h('input', { type: 'checkbox', 'data-select': l.position })),
      h('td', {}, l.position), h('td', {}, l.taskId), h('td', {}, l.errorClass || '-'), h('td', {}, l.errorMessage), h('td', {}, l.failedAt),
      h('td', { 'data-field': 'replayed' }, l.replayed ? 'replayed' : ''))));
  } catch (err) { say('could not read dead letters: ' + err.message, true); }
}
async function showLetter(position) {
  const [p, o] = position.split(':');
  try {
    const l = await call('GET', 'api/types/' + encodeURIComponent(openType) + '/dead-letters/' + p + '/' + o);
    const box = document.getElementById('letter');
    box.hidden = false;
    box.dataset.position = position;
    box.replaceChildren(h('h3', {}, 'dead letter ' + position + ' of ' + l.topic),
      h('p', {}, 'key ' + (l.key === null ? '(none)' : l.key) + ', written ' + l.timestamp + ' ',
        h('button', { 'data-action': 'replay-one', onclick: () => replay({ positions: [position] }, 'Replay dead letter ' + position + ' to its task topic?') }, 'Replay this one')),
      h('h4', {}, 'headers'), h('pre', { id: 'letter-headers' }, JSON.stringify(l.headers, null, 2)),
      h('h4', {}, l.decodeError === null ? 'payload (schema id ' + l.schemaId + ')' : 'payload does not decode: ' + l.decodeError),
      h('pre', { id: 'letter-payload' }, l.decodeError === null ? JSON.stringify(l.payload, null, 2) : (l.hex || '(null)')));
  } catch (err) { say('could not read the dead letter: ' + err.message, true); }
}
async function replay(body, question) {
  if (!confirm(question)) return;
  try {
    const r = await call('POST', 'api/types/' + encodeURIComponent(openType) + '/dead-letters/replay', body);
    say('replayed ' + r.copied + ' dead letter' + (r.copied === 1 ? '' : 's') + (r.alreadyReplayed ? ' (' + r.alreadyReplayed + ' already replayed, left out)' : ''));
    await loadLetters();
    await refresh();
  } catch (err) { say('replay failed: ' + err.message, true); }
}
function replaySelected() {
  const positions = [...document.querySelectorAll('input[data-select]:checked')].map((c) => c.dataset.select);
  if (positions.length === 0) return say('select dead letters first', true);
  replay({ positions }, 'Replay the ' + positions.length + ' selected dead letters to their task topic?');
}
function replayMatching() {
  replay({ filter: filterFields() }, 'Replay every dead letter of ' + openType + ' that matches the filter (not yet replayed ones)?');
}
document.getElementById('f-apply').addEventListener('click', loadLetters);
document.getElementById('replay-selected').addEventListener('click', replaySelected);
document.getElementById('replay-matching').addEventListener('click', replayMatching);
refresh();
setInterval(refresh, 2000);
`;

/** The dashboard page: a shell the script fills from api/overview (no secret and no data in it). */
export function renderPage(): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>taskstream</title><style>${STYLE}</style></head>
<body><h1>taskstream</h1>
<p id="status">loading…</p>
<table>
<thead><tr><th>task type</th><th>state</th><th>workers: partitions</th><th>lag</th><th>retrying</th><th>delayed</th>
<th>next due</th><th>dead letters</th>
<th>processed</th><th>per min</th><th>failed</th><th>failure rate</th><th>last minutes</th><th></th></tr></thead>
<tbody id="types"></tbody></table>
<p class="muted">lag: written and not yet done; retrying: waiting in retry tiers; delayed: waiting in delay tiers for
their time (- when the type accepts no delays), next due: the earliest time among the delay tiers' next records;
dead letters: not yet replayed;
processed, failed (attempts handed to a retry tier or dead-lettered) and the chart cover the last minutes.</p>
<div id="stuck"></div>
<div id="schedules"></div>
<section id="dlq" hidden><h2>dead letters of <span id="dlq-type"></span></h2>
<p>error contains <input id="f-error" size="20"> failed from <input id="f-since" type="datetime-local" step="1">
to <input id="f-until" type="datetime-local" step="1"> <button id="f-apply">Apply</button>
<button id="replay-selected">Replay selected</button> <button id="replay-matching">Replay all matching</button></p>
<p id="dlq-count"></p>
<table><thead><tr><th></th><th>position</th><th>task id</th><th>error</th><th>message</th><th>failed at</th><th></th></tr></thead>
<tbody id="letters"></tbody></table>
<div id="letter" hidden></div></section>
<script>${SCRIPT}</script>
</body></html>
`;
}
