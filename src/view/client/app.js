// The stepq viewer (preact + htm, no build step). Every text from the run (LLM replies,
// observations, task texts) goes through preact's text rendering, never through innerHTML;
// the one innerHTML is the server's own SVG chart, whose labels it escapes.
import { h, render } from 'preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import htm from 'htm';

const html = htm.bind(h);
const ROW_HEIGHT = 30;
const PAGE = 100;

async function api(path) {
  const res = await fetch(`/api/${path}`);
  const body = await res.json();
  if (!res.ok) throw new Error(body.error || res.statusText);
  return body;
}

/** The answer for `path`; never a previous path's answer while the new one loads. */
function useApi(path) {
  const [state, setState] = useState({ path: null, data: null, error: null });
  useEffect(() => {
    let live = true;
    if (path)
      api(path).then(
        (data) => live && setState({ path, data, error: null }),
        (e) => live && setState({ path, data: null, error: e.message }),
      );
    return () => (live = false);
  }, [path]);
  return state.path === path ? state : { path, data: null, error: null };
}

function parseHash() {
  const parts = location.hash.replace(/^#\/?/, '').split('/');
  if (parts[0] === 'task' && parts[1] !== undefined)
    return { page: 'task', taskId: decodeURIComponent(parts[1]), view: parts[2] || 'tree' };
  if (parts[0] === 'training') return { page: 'training' };
  return { page: 'tasks' };
}

const taskHref = (taskId, view) => `#/task/${encodeURIComponent(taskId)}/${view}`;
const fmtQ = (q) => (typeof q === 'number' ? q.toFixed(3) : '–');
const Outcome = ({ ok }) =>
  ok ? html`<span class="ok">✓</span>` : html`<span class="fail">✗</span>`;

function App() {
  const [route, setRoute] = useState(parseHash());
  useEffect(() => {
    const on = () => setRoute(parseHash());
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  const summary = useApi('summary');
  const s = summary.data;
  return html` <header>
      <strong>stepq viewer</strong>
      <a href="#/" class=${route.page === 'tasks' ? 'active' : ''}>Tasks</a>
      <a href="#/training" class=${route.page === 'training' ? 'active' : ''}>Training</a>
      <span class="dir"
        >${s ? `${s.dir} · ${s.tasks} tasks · ${s.trees} trees · ${s.arms.length} eval arms · ${s.pairs} pairs${s.arms.some((a) => a.errors) ? ` · errors: ${s.arms.map((a) => `${a.key} ${a.errors}`).join(', ')}` : ''}` : ''}</span
      >
    </header>
    <main>
      ${summary.error && html`<p class="error">${summary.error}</p>`}
      ${
        s &&
        s.problems.length > 0 &&
        html`<details class="problems" data-testid="left-out">
          <summary>${s.problems.length} file(s) left out</summary>
          <ul>
            ${s.problems.map((p) => html`<li>${p}</li>`)}
          </ul>
        </details>`
      }
      ${s && route.page === 'tasks' && html`<${TaskList} summary=${s} />`}
      ${s && route.page === 'task' && html`<${TaskPage} taskId=${route.taskId} view=${route.view} />`}
      ${s && route.page === 'training' && html`<${Training} />`}
    </main>`;
}

// ---- task list: a virtualised window over pages fetched from the server's index ----

function TaskList({ summary }) {
  const [query, setQuery] = useState('');
  const [outcome, setOutcome] = useState('');
  const [kind, setKind] = useState('');
  const [total, setTotal] = useState(null);
  const [pages, setPages] = useState({});
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(600);
  const box = useRef(null);
  const filter = `q=${encodeURIComponent(query)}&outcome=${outcome}&kind=${kind}`;
  const pending = useRef(new Set());
  const currentFilter = useRef(filter);
  currentFilter.current = filter;

  useEffect(() => {
    pending.current = new Set();
    setPages({});
    setTotal(null);
    if (box.current) box.current.scrollTop = 0;
    setScrollTop(0);
  }, [filter]);
  useEffect(() => {
    if (box.current) setHeight(box.current.clientHeight);
  }, []);

  const first = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT) - 10);
  const last = Math.floor((scrollTop + height) / ROW_HEIGHT) + 10;
  useEffect(() => {
    for (let p = Math.floor(first / PAGE); p <= Math.floor(last / PAGE); p++) {
      if (pages[p] || pending.current.has(p) || (total !== null && p * PAGE >= total)) continue;
      pending.current.add(p);
      const want = filter;
      api(`tasks?offset=${p * PAGE}&limit=${PAGE}&${filter}`).then((r) => {
        if (want !== currentFilter.current) return;
        setTotal(r.total);
        setPages((old) => ({ ...old, [p]: r.rows }));
      });
    }
  }, [first, last, filter, pages, total]);

  const arms = summary.arms.map((a) => a.key);
  const columns = `160px minmax(200px, 1fr) 130px ${arms.map(() => '150px').join(' ')} 60px`;
  const rows = [];
  for (let i = first; i <= Math.min(last, (total ?? 0) - 1); i++) {
    const row = pages[Math.floor(i / PAGE)]?.[i % PAGE];
    if (!row) continue;
    rows.push(
      html`<${TaskRow}
        key=${row.taskId}
        row=${row}
        top=${i * ROW_HEIGHT + ROW_HEIGHT}
        arms=${arms}
        columns=${columns}
      />`,
    );
  }
  return html` <div class="filters">
      <input
        type="search"
        placeholder="search task id or text"
        value=${query}
        onInput=${(e) => setQuery(e.target.value)}
      />
      <select value=${outcome} onChange=${(e) => setOutcome(e.target.value)}>
        <option value="">any outcome</option>
        <option value="success">solved / succeeded</option>
        <option value="failure">failed</option>
      </select>
      <select value=${kind} onChange=${(e) => setKind(e.target.value)}>
        <option value="">trees and eval</option>
        <option value="tree">with a tree</option>
        <option value="eval">with trajectories</option>
      </select>
      <span class="muted" data-testid="task-count">${total === null ? '…' : `${total} tasks`}</span>
    </div>
    <div class="list" ref=${box} onScroll=${(e) => setScrollTop(e.target.scrollTop)}>
      <div class="spacer" style=${`height:${((total ?? 0) + 1) * ROW_HEIGHT}px`}>
        <div class="row head" style=${`grid-template-columns:${columns}`}>
          <span>task</span><span>text</span
          ><span>MCTS tree</span>${arms.map((a) => html`<span>${a}</span>`)}<span>pairs</span>
        </div>
        ${rows}
      </div>
    </div>`;
}

function TaskRow({ row, top, arms, columns }) {
  const open = () => (location.hash = taskHref(row.taskId, row.tree ? 'tree' : 'trajectory'));
  return html`<div
    class="row task-row"
    style=${`top:${top}px;grid-template-columns:${columns}`}
    onClick=${open}
    title=${row.task}
  >
    <span>${row.taskId}</span>
    <span>${row.task}</span>
    <span
      >${row.tree ? html`<${Outcome} ok=${row.tree.solved} /> ${row.tree.nodes} nodes, ${row.tree.llmCalls ?? '?'} calls` : ''}</span
    >
    ${arms.map((a) => {
      const r = row.runs.find((x) => x.arm === a);
      return html`<span title=${r?.error ? `error: ${r.error}` : ''}
        >${r ? html`${r.error ? html`<span class="fail">error</span>` : html`<${Outcome} ok=${r.success} />`} r ${r.reward.toFixed(2)}, ${r.steps} st, ${r.llmCalls} calls${r.earlierAttempts ? ` (${r.earlierAttempts.length} earlier errored)` : ''}` : ''}</span
      >`;
    })}
    <span>${row.pairs || ''}</span>
  </div>`;
}

// ---- one task ----

function TaskPage({ taskId, view }) {
  const { data, error } = useApi(`task/${encodeURIComponent(taskId)}`);
  if (error) return html`<p class="error">${error}</p>`;
  if (!data) return html`<p>Loading…</p>`;
  const tabs = [
    ['tree', 'MCTS tree', data.hasTree],
    ['trajectory', 'Trajectories', data.row.runs.length > 0],
    ['pairs', `Pairs (${data.row.pairs})`, data.row.pairs > 0],
  ];
  return html` <h2>${taskId}</h2>
    <div class="task-text">${data.task}</div>
    <nav class="tabs">
      ${tabs.map(([v, label, on]) => html`<a href=${taskHref(taskId, v)} class=${`${v === view ? 'active' : ''} ${on ? '' : 'disabled'}`}>${label}</a>`)}
    </nav>
    ${view === 'tree' && (data.hasTree ? html`<${TreeView} taskId=${taskId} />` : html`<p class="muted">No MCTS tree for this task (it was not a train task).</p>`)}
    ${view === 'trajectory' && html`<${Trajectories} taskId=${taskId} />`}
    ${view === 'pairs' && html`<${Pairs} taskId=${taskId} />`}`;
}

// ---- MCTS tree: slices fetched on expand ----

function qColour(node, range) {
  if (node.depth === 0 || node.visits === 0) return '#eeeeee';
  const t = range.max > range.min ? (node.q - range.min) / (range.max - range.min) : 0.5;
  return `hsl(${Math.round(t * 120)}, 70%, 86%)`;
}

function TreeView({ taskId }) {
  const { data, error } = useApi(`tree/${encodeURIComponent(taskId)}?depth=1&best=1`);
  const [selected, setSelected] = useState(null);
  useEffect(() => setSelected(null), [taskId]);
  if (error) return html`<p class="error">${error}</p>`;
  if (!data) return html`<p>Loading tree…</p>`;
  const { header } = data;
  const ctx = { taskId, range: header.qRange, selected, select: setSelected };
  return html` <p class="muted">
      ${header.stats.nodes} nodes · ${header.stats.iterationsRun} iterations
      (${header.stats.stopReason}) · ${header.search.algorithm}
      ${Object.entries(header.search.params)
        .map(([k, v]) => `${k}=${v}`)
        .join(' ')}
      · solved: ${header.stats.solved ? 'yes' : 'no'} · best path:
      ${header.bestPath ? header.bestPath.join('.') || 'root' : 'none'} · colour = Q from
      ${fmtQ(header.qRange.min)} (red) to ${fmtQ(header.qRange.max)} (green); the outlined path is
      the best path.
    </p>
    <div class="split">
      <div class="tree" data-testid="tree">
        <ul>
          <${TreeNodeView} key=${taskId} node=${data.node} ctx=${ctx} />
        </ul>
      </div>
      <div class="detail" data-testid="node-detail">
        ${selected === null ? html`<p class="muted">Click a node to see the conversation up to it.</p>` : html`<${NodeDetail} taskId=${taskId} path=${selected} />`}
      </div>
    </div>`;
}

function TreeNodeView({ node, ctx }) {
  const [open, setOpen] = useState(node.depth === 0 || (node.onBestPath && !!node.children));
  const [children, setChildren] = useState(node.children ?? null);
  const [loading, setLoading] = useState(false);
  const key = node.path.join('.');
  const loadMore = async (offset) => {
    setLoading(true);
    const r = await api(
      `tree/${encodeURIComponent(ctx.taskId)}?path=${key}&depth=1&offset=${offset}`,
    );
    setChildren((old) => [...(offset ? (old ?? []) : []), ...(r.node.children ?? [])]);
    setLoading(false);
  };
  const toggle = async (e) => {
    e.stopPropagation();
    if (!open && children === null) await loadMore(0);
    setOpen(!open);
  };
  const label = node.depth === 0 ? '(root: the task)' : node.action || '(unreadable reply)';
  const isSelected = ctx.selected !== null && ctx.selected.join('.') === key;
  return html`<li>
    <div
      class=${`node-line${node.onBestPath && node.depth > 0 ? ' best' : ''}${isSelected ? ' selected' : ''}`}
      style=${`background:${qColour(node, ctx.range)}`}
      data-path=${key || 'root'}
      onClick=${() => ctx.select(node.path)}
    >
      <span class="toggle" onClick=${toggle}>${node.childCount ? (open ? '▾' : '▸') : '·'}</span>
      <span class="action">${label}</span>
      ${node.depth > 0 && html`<span class="stat">Q ${fmtQ(node.q)}</span><span class="stat">N ${node.visits}</span><span class="stat">r ${node.reward}</span>`}
      ${node.terminal && html`<span class="badge term">terminal</span>`}
      ${node.depthLimited && html`<span class="badge">depth limit</span>`}
      ${!node.valid && html`<span class="badge invalid">invalid</span>`}
      ${node.childCount > 0 && html`<span class="muted">${node.childCount} children</span>`}
    </div>
    ${node.depth > 0 && html`<div class="obs">${node.observation}${node.observationCut ? ' …' : ''}</div>`}
    ${
      open &&
      children &&
      html`<ul>
        ${children.map((c) => html`<${TreeNodeView} key=${c.path.join('.')} node=${c} ctx=${ctx} />`)}
        ${children.length < node.childCount && html`<li><button class="more" disabled=${loading} onClick=${() => loadMore(children.length)}>show more (${node.childCount - children.length})</button></li>`}
      </ul>`
    }
  </li>`;
}

function NodeDetail({ taskId, path }) {
  const key = path.join('.') || 'root';
  const { data, error } = useApi(`node/${encodeURIComponent(taskId)}?path=${key}`);
  if (error) return html`<p class="error">${error}</p>`;
  if (!data) return html`<p>Loading…</p>`;
  const n = data.node;
  return html` <h3>Node ${key}</h3>
    <table>
      <tbody>
        <tr>
          <td>action</td>
          <td class="action">${n.action || '–'}</td>
        </tr>
        <tr>
          <td>Q (mean return)</td>
          <td>${fmtQ(n.q)}</td>
        </tr>
        <tr>
          <td>visits</td>
          <td>${n.visits}</td>
        </tr>
        <tr>
          <td>reward</td>
          <td>${n.reward}</td>
        </tr>
        <tr>
          <td>state</td>
          <td>
            ${n.terminal ? 'terminal' : n.depthLimited ? 'depth limit' : 'open'}${n.valid ? '' : ', invalid action'}
          </td>
        </tr>
        ${
          n.info &&
          html`<tr>
            <td>info</td>
            <td>${JSON.stringify(n.info)}</td>
          </tr>`
        }
      </tbody>
    </table>
    <h4>Conversation up to this node (as the Q-value model sees it)</h4>
    <div data-testid="conversation">
      ${data.conversation.map(
        (m) =>
          html`<div class=${`msg ${m.role}`}>
            <div class="role">${m.role}</div>
            <pre>${m.content}</pre>
          </div>`,
      )}
    </div>`;
}

// ---- eval trajectories side by side ----

function Trajectories({ taskId }) {
  const { data, error } = useApi(`trajectories/${encodeURIComponent(taskId)}`);
  if (error) return html`<p class="error">${error}</p>`;
  if (!data) return html`<p>Loading…</p>`;
  if (data.runs.length === 0)
    return html`<p class="muted">No eval trajectories for this task (it was a train task).</p>`;
  return html`<div
    class="runs"
    data-testid="trajectories"
    style=${`grid-template-columns:repeat(${data.runs.length}, minmax(0, 1fr))`}
  >
    ${data.runs.map(
      ({ arm, trajectory: t, earlierAttempts }) =>
        html`<div class="run" data-arm=${arm}>
          <h3>${arm}</h3>
          <p>
            <${Outcome} ok=${t.success} /> reward ${t.reward} · ${t.steps.length} steps ·
            ${t.usage.calls} LLM
            calls${t.depthLimited ? ' · depth limit' : ''}${t.error ? ` · error: ${t.error}` : ''}
          </p>
          ${
            earlierAttempts?.length > 0 &&
            html`<p class="muted" data-testid="earlier-attempts">
              ${earlierAttempts.length} earlier attempt${earlierAttempts.length === 1 ? '' : 's'}
              replaced by this one: ${earlierAttempts.join('; ')}
            </p>`
          }
          ${t.steps.map(
            (s) =>
              html`<div class="step">
                <strong>step ${s.depth + 1}</strong>
                <span class="muted"
                  >${s.candidates.length} candidate${s.candidates.length === 1 ? '' : 's'}</span
                >
                <ul class="cands">
                  ${s.candidates.map(
                    (c, i) =>
                      html`<li class=${i === s.chosen ? 'chosen' : ''} title=${c.text}>
                        <span>${i === s.chosen ? '▶' : ' '}</span
                        ><span>${c.action || '(unreadable)'}</span
                        ><span class="q"
                          >${c.votes === undefined || t.n <= 1 ? '' : `${c.votes}/${t.n} votes `}${c.q === undefined ? '' : `Q ${fmtQ(c.q)}`}</span
                        >
                      </li>`,
                  )}
                </ul>
                <pre class="muted">${s.observation}</pre>
                ${s.done && html`<span>done, reward ${s.reward}</span>`}
              </div>`,
          )}
        </div>`,
    )}
  </div>`;
}

function Pairs({ taskId }) {
  const { data, error } = useApi(`pairs/${encodeURIComponent(taskId)}`);
  if (error) return html`<p class="error">${error}</p>`;
  if (!data) return html`<p>Loading…</p>`;
  return html`<table class="grid" data-testid="pairs">
    <thead>
      <tr>
        <th>decision</th>
        <th>depth</th>
        <th>chosen</th>
        <th>Q</th>
        <th>rejected</th>
        <th>Q</th>
        <th>gap</th>
      </tr>
    </thead>
    <tbody>
      ${data.pairs.map(
        (p) =>
          html`<tr>
            <td>${p.id}</td>
            <td>${p.depth}</td>
            <td><pre>${p.chosen}</pre></td>
            <td>${fmtQ(p.chosenQ)} (N ${p.chosenVisits})</td>
            <td><pre>${p.rejected}</pre></td>
            <td>${fmtQ(p.rejectedQ)} (N ${p.rejectedVisits})</td>
            <td>${fmtQ(p.gap)}</td>
          </tr>`,
      )}
    </tbody>
  </table>`;
}

function Training() {
  const { data, error } = useApi('training');
  const svg = useMemo(() => (data && data.svg ? { __html: data.svg } : null), [data]);
  if (error) return html`<p class="error">${error}</p>`;
  if (!data) return html`<p>Loading…</p>`;
  if (!data.models.length)
    return html`<p class="muted">No trained Q-value model in this folder.</p>`;
  return html`<h2>Q-value model training</h2>
    <div class="charts" data-testid="training" dangerouslySetInnerHTML=${svg}></div>
    ${data.models.map(
      (m) =>
        html`<h3>${m.name} (best epoch ${m.bestEpoch ?? '?'})</h3>
          <table class="grid">
            <thead>
              <tr>
                <th>epoch</th>
                <th>loss</th>
                <th>train acc</th>
                <th>held-out loss</th>
                <th>held-out acc</th>
              </tr>
            </thead>
            <tbody>
              ${m.history.map(
                (e) =>
                  html`<tr>
                    <td>${e.epoch}</td>
                    <td>${e.loss.toFixed(4)}</td>
                    <td>${e.trainAccuracy.toFixed(3)}</td>
                    <td>${e.heldOutLoss?.toFixed(4) ?? '–'}</td>
                    <td>${e.heldOutAccuracy?.toFixed(3) ?? '–'}</td>
                  </tr>`,
              )}
            </tbody>
          </table>`,
    )}`;
}

const root = document.getElementById('app');
root.textContent = '';
render(html`<${App} />`, root);
