/**
 * The report page's script (plain ES2020, no backticks, run under the page's CSP nonce). It reads
 * the embedded ReportData (model.ts) and renders the namespace filter, the findings, the namespace
 * graph (cytoscape, built-in cose layout) and the virtualised workload matrix with its "why".
 */
export const REPORT_SCRIPT = String.raw`
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('report-data').textContent);
  // inside a VS Code webview, file links open the file at the line in the editor
  var host = typeof acquireVsCodeApi === 'function' ? acquireVsCodeApi() : null;
  if (host) {
    document.addEventListener('click', function (event) {
      var target = event.target && event.target.closest ? event.target.closest('a.file') : null;
      if (!target) return;
      event.preventDefault();
      host.postMessage({ type: 'open', href: target.getAttribute('href').replace(/#L\d+$/, ''), line: Number(target.getAttribute('data-line')) || 1 });
    });
  }
  var conn = data.connectivity && data.connectivity.endpoints ? data.connectivity : null;
  // workloads in view beyond which the matrix shows namespaces (?matrixMax=N overrides it, for tests)
  var MATRIX_MAX = Number(new URLSearchParams(location.search).get('matrixMax')) || 2000;
  var GROUP_LIMIT = 200;
  var selected = new Set();

  function h(tag, props) {
    var node = document.createElement(tag);
    if (props) for (var k in props) {
      if (k === 'text') node.textContent = props[k];
      else if (k === 'className') node.className = props[k];
      else if (props[k] !== undefined && props[k] !== null) node.setAttribute(k, props[k]);
    }
    for (var i = 2; i < arguments.length; i++) {
      var c = arguments[i];
      if (c === null || c === undefined) continue;
      node.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
    }
    return node;
  }
  function visible(ns) { return selected.size === 0 || selected.has(ns); }
  function link(file, line, href) {
    var text = file + ':' + line;
    if (!href) return h('span', { className: 'file' }, text);
    return h('a', { className: 'file', href: href + '#L' + line, 'data-file': file, 'data-line': String(line) }, text);
  }

  // ---- namespace filter
  var filter = document.getElementById('ns-filter');
  var filterNames = data.namespaces.slice();
  if (conn && conn.endpoints.some(function (e) { return e.namespace === 'external'; })) filterNames.push('external');
  var allButton = h('button', { type: 'button', 'aria-pressed': 'true', 'data-ns': '' }, 'All namespaces');
  filter.appendChild(allButton);
  filterNames.forEach(function (ns) { filter.appendChild(h('button', { type: 'button', 'aria-pressed': 'false', 'data-ns': ns }, ns)); });
  filter.addEventListener('click', function (event) {
    var button = event.target.closest('button[data-ns]');
    if (!button) return;
    var ns = button.getAttribute('data-ns');
    if (ns === '') selected.clear();
    else if (selected.has(ns)) selected.delete(ns);
    else selected.add(ns);
    applyFilter();
  });
  function setSelection(list) { selected = new Set(list); applyFilter(); }
  function applyFilter() {
    filter.querySelectorAll('button[data-ns]').forEach(function (b) {
      var ns = b.getAttribute('data-ns');
      b.setAttribute('aria-pressed', String(ns === '' ? selected.size === 0 : selected.has(ns)));
    });
    document.querySelectorAll('#coverage tbody tr[data-namespace]').forEach(function (tr) { tr.hidden = !visible(tr.getAttribute('data-namespace')); });
    document.getElementById('filter-status').textContent = selected.size === 0 ? 'Showing all namespaces' : 'Showing ' + Array.from(selected).join(', ');
    renderFindings();
    filterGraph();
    renderMatrix();
  }

  // ---- findings
  var groupBy = 'rule';
  document.querySelectorAll('input[name="group-by"]').forEach(function (input) {
    input.addEventListener('change', function () { groupBy = input.value; renderFindings(); });
  });
  function findingItem(f) {
    return h('li', { className: 'finding' },
      h('span', { className: 'sev sev-' + f.severity }, f.severity), ' ',
      link(f.file, f.line, f.href), ' ',
      groupBy === 'rule' ? (f.namespace ? h('span', { className: 'muted' }, '[' + f.namespace + '] ') : null) : h('code', null, f.ruleId), groupBy === 'rule' ? null : ' ',
      f.status === 'new' ? h('span', { className: 'badge new' }, 'new') : null,
      h('span', { className: 'msg' }, f.message));
  }
  function renderList(list, items) {
    var shown = Math.min(items.length, GROUP_LIMIT);
    for (var i = 0; i < shown; i++) list.appendChild(findingItem(items[i]));
    if (items.length > shown) {
      var more = h('button', { type: 'button' }, 'Show all ' + items.length);
      more.addEventListener('click', function () {
        for (var j = shown; j < items.length; j++) list.insertBefore(findingItem(items[j]), more.parentNode);
        more.parentNode.remove();
      });
      list.appendChild(h('li', null, more));
    }
  }
  function renderFindings() {
    var root = document.getElementById('findings-list');
    root.textContent = '';
    var items = data.findings.filter(function (f) { return selected.size === 0 || (f.namespace !== undefined && selected.has(f.namespace)); });
    document.getElementById('findings-count').textContent = items.length + ' of ' + data.findings.length + ' finding(s) shown';
    var groups = new Map();
    items.forEach(function (f) {
      var key = groupBy === 'rule' ? f.ruleId : (f.namespace || '(no namespace)');
      if (!groups.has(key)) groups.set(key, []);
      groups.get(key).push(f);
    });
    Array.from(groups.keys()).sort().forEach(function (key) {
      var list = groups.get(key);
      var rule = groupBy === 'rule' ? data.rules[key] : null;
      var newCount = list.filter(function (f) { return f.status === 'new'; }).length;
      var summary = h('summary', null, h('code', null, key), ' (' + list.length + (data.baseline ? ', ' + newCount + ' new' : '') + ')',
        rule && rule.description ? h('span', { className: 'muted' }, ' ' + rule.description) : null);
      var ul = h('ul', { className: 'findings' });
      renderList(ul, list);
      root.appendChild(h('details', { open: '', 'data-group': key }, summary, ul));
    });
    if (items.length === 0) root.appendChild(h('p', { className: 'muted' }, 'No findings here.'));
    var fixedRoot = document.getElementById('fixed-list');
    if (fixedRoot) { fixedRoot.textContent = ''; renderList(fixedRoot, data.fixed); }
  }

  // ---- namespace graph
  var cy = null;
  var cssVar = function (name, fallback) { var v = getComputedStyle(document.body).getPropertyValue(name).trim(); return v || fallback; };
  function buildGraph() {
    var container = document.getElementById('graph');
    if (!conn || !container) return;
    if (typeof cytoscape !== 'function') { container.textContent = 'The graph library did not load.'; return; }
    var counts = new Map();
    conn.endpoints.forEach(function (e) { counts.set(e.namespace, (counts.get(e.namespace) || 0) + 1); });
    var elements = [];
    counts.forEach(function (n, ns) { elements.push({ group: 'nodes', data: { id: 'ns:' + ns, ns: ns, label: ns + ' (' + n + ')' }, classes: ns === 'external' ? 'external' : '' }); });
    conn.namespaceEdges.forEach(function (e, i) {
      elements.push({ group: 'edges', data: { id: 'e' + i, source: 'ns:' + e.from, target: 'ns:' + e.to, from: e.from, to: e.to, label: String(e.pairs), width: Math.min(8, 1 + Math.log2(e.pairs)) }, classes: e.allPorts > 0 ? 'all' : '' });
    });
    var fg = cssVar('--fg', '#333'), border = cssVar('--border', '#999'), accent = cssVar('--link', '#06c'), warn = cssVar('--warning', '#a60');
    cy = cytoscape({
      container: container,
      elements: elements,
      // cose (force-directed) reads best; beyond a few dozen namespaces it costs seconds, concentric (by degree) does not
      layout: counts.size <= 30 ? { name: 'cose', animate: false, randomize: false, nodeDimensionsIncludeLabels: true } : { name: 'concentric', animate: false, minNodeSpacing: 24, concentric: function (n) { return n.degree(); }, levelWidth: function () { return 4; } },
      style: [
        { selector: 'node', style: { 'label': 'data(label)', 'color': fg, 'background-color': accent, 'font-size': 11, 'text-valign': 'bottom', 'text-margin-y': 4, 'width': 24, 'height': 24 } },
        { selector: 'node.external', style: { 'shape': 'round-rectangle', 'background-color': border } },
        { selector: 'edge', style: { 'curve-style': 'bezier', 'target-arrow-shape': 'triangle', 'width': 'data(width)', 'line-color': border, 'target-arrow-color': border, 'label': 'data(label)', 'font-size': 9, 'color': fg, 'text-background-color': cssVar('--bg', '#fff'), 'text-background-opacity': 1 } },
        { selector: 'edge.all', style: { 'line-color': warn, 'target-arrow-color': warn } },
        { selector: '.dim', style: { 'opacity': 0.25 } },
        { selector: '.hidden', style: { 'display': 'none' } }
      ]
    });
    cy.on('tap', 'node', function (event) { setSelection([event.target.data('ns')]); });
  }
  function filterGraph() {
    if (!cy) return;
    cy.batch(function () {
      cy.elements().removeClass('hidden dim');
      if (selected.size === 0) return;
      cy.edges().forEach(function (e) { if (!selected.has(e.data('from')) && !selected.has(e.data('to'))) e.addClass('hidden'); });
      cy.nodes().forEach(function (n) {
        if (selected.has(n.data('ns'))) return;
        if (n.connectedEdges().filter(function (e) { return !e.hasClass('hidden'); }).length > 0) n.addClass('dim');
        else n.addClass('hidden');
      });
    });
    cy.fit(cy.elements().not('.hidden'), 30);
  }

  // ---- matrix
  function inRanges(r, v) {
    var lo = 0, hi = r.length / 2 - 1;
    while (lo <= hi) {
      var mid = (lo + hi) >> 1;
      if (v < r[2 * mid]) hi = mid - 1; else if (v >= r[2 * mid + 1]) lo = mid + 1; else return true;
    }
    return false;
  }
  function allowed(s, d) {
    var row = conn.rows[conn.endpoints[s].row];
    var lo = 0, hi = row.length / 3 - 1;
    while (lo <= hi) {
      var mid = (lo + hi) >> 1;
      if (d < row[3 * mid]) hi = mid - 1; else if (d >= row[3 * mid + 1]) lo = mid + 1; else return conn.portSets[row[3 * mid + 2]];
    }
    return null;
  }
  function Grid(root, options) {
    var C = 20, W = 240, H = 140;
    var scroll = h('div', { className: 'grid-scroll', role: 'grid', tabindex: '0', 'aria-label': options.label, 'aria-rowcount': String(options.rows + 1), 'aria-colcount': String(options.cols + 1) });
    var sizer = h('div', { className: 'grid-sizer' });
    var layer = h('div', { className: 'grid-layer' });
    sizer.style.width = (W + options.cols * C) + 'px';
    sizer.style.height = (H + options.rows * C) + 'px';
    sizer.appendChild(layer);
    scroll.appendChild(sizer);
    root.appendChild(scroll);
    var active = { r: 0, c: 0 };
    var pending = false;
    function place(node, left, top) { node.style.left = left + 'px'; node.style.top = top + 'px'; return node; }
    function render() {
      pending = false;
      var top = scroll.scrollTop, left = scroll.scrollLeft;
      var r0 = Math.max(0, Math.floor(top / C)), r1 = Math.min(options.rows, Math.ceil((top + scroll.clientHeight - H) / C) + 1);
      var c0 = Math.max(0, Math.floor(left / C)), c1 = Math.min(options.cols, Math.ceil((left + scroll.clientWidth - W) / C) + 1);
      var frag = document.createDocumentFragment();
      var head = h('div', { role: 'row', 'aria-rowindex': '1' });
      head.appendChild(place(h('div', { className: 'grid-corner muted', role: 'columnheader', 'aria-colindex': '1' }, options.corner), left, top));
      for (var c2 = c0; c2 < c1; c2++) head.appendChild(place(h('div', { className: 'grid-col', role: 'columnheader', 'aria-colindex': String(c2 + 2), title: options.colLabel(c2) }, options.colLabel(c2)), W + c2 * C, top));
      for (var r = r0; r < r1; r++) {
        var rowNode = h('div', { role: 'row', 'aria-rowindex': String(r + 2) });
        rowNode.appendChild(place(h('div', { className: 'grid-row', role: 'rowheader', 'aria-colindex': '1', title: options.rowLabel(r) }, options.rowLabel(r)), left, H + r * C));
        for (var c = c0; c < c1; c++) {
          var cell = options.cell(r, c);
          var isActive = r === active.r && c === active.c;
          var div = h('div', { id: 'cell-' + r + '-' + c, role: 'gridcell', 'aria-colindex': String(c + 2), 'aria-label': cell.label, title: cell.label, 'data-r': String(r), 'data-c': String(c),
            className: 'grid-cell' + (cell.cls ? ' ' + cell.cls : '') + (isActive ? ' active' : '') }, cell.text || '');
          rowNode.appendChild(place(div, W + c * C, H + r * C));
        }
        frag.appendChild(rowNode);
      }
      frag.appendChild(head);
      layer.textContent = '';
      layer.appendChild(frag);
      var activeId = 'cell-' + active.r + '-' + active.c;
      if (document.getElementById(activeId)) scroll.setAttribute('aria-activedescendant', activeId); else scroll.removeAttribute('aria-activedescendant');
    }
    function schedule() { if (!pending) { pending = true; requestAnimationFrame(render); } }
    function reveal() {
      var y = H + active.r * C, x = W + active.c * C;
      if (y - H < scroll.scrollTop) scroll.scrollTop = y - H;
      else if (y + C > scroll.scrollTop + scroll.clientHeight) scroll.scrollTop = y + C - scroll.clientHeight;
      if (x - W < scroll.scrollLeft) scroll.scrollLeft = x - W;
      else if (x + C > scroll.scrollLeft + scroll.clientWidth) scroll.scrollLeft = x + C - scroll.clientWidth;
      render();
    }
    scroll.addEventListener('scroll', schedule);
    scroll.addEventListener('click', function (event) {
      var target = event.target.closest('.grid-cell');
      if (!target) return;
      active = { r: Number(target.getAttribute('data-r')), c: Number(target.getAttribute('data-c')) };
      render();
      scroll.focus({ preventScroll: true });
      options.activate(active.r, active.c);
    });
    scroll.addEventListener('keydown', function (event) {
      var page = Math.max(1, Math.floor((scroll.clientHeight - H) / C) - 1);
      var moves = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1], PageUp: [-page, 0], PageDown: [page, 0] };
      if (event.key === 'Enter' || event.key === ' ') { event.preventDefault(); options.activate(active.r, active.c); return; }
      var m = moves[event.key];
      if (event.key === 'Home') m = [0, -active.c];
      if (event.key === 'End') m = [0, options.cols - 1 - active.c];
      if (!m) return;
      event.preventDefault();
      active = { r: Math.max(0, Math.min(options.rows - 1, active.r + m[0])), c: Math.max(0, Math.min(options.cols - 1, active.c + m[1])) };
      reveal();
    });
    render();
    return { render: render };
  }
  var grid = null;
  function renderMatrix() {
    var root = document.getElementById('matrix');
    if (!conn || !root) return;
    root.textContent = '';
    var axis = [];
    var workloads = 0;
    conn.endpoints.forEach(function (e, i) { if (visible(e.namespace)) { axis.push(i); if (e.namespace !== 'external') workloads++; } });
    var note = document.getElementById('matrix-note');
    if (axis.length === 0) { note.textContent = 'No workload in the selected namespaces.'; return; }
    if (workloads > MATRIX_MAX) {
      var names = Array.from(new Set(axis.map(function (i) { return conn.endpoints[i].namespace; })));
      var pairs = new Map();
      conn.namespaceEdges.forEach(function (e) { pairs.set(e.from + '\u0000' + e.to, e); });
      var size = new Map();
      axis.forEach(function (i) { var ns = conn.endpoints[i].namespace; size.set(ns, (size.get(ns) || 0) + 1); });
      note.textContent = workloads + ' workloads: more than ' + MATRIX_MAX + ', so the matrix shows namespaces (allowed workload pairs per cell). Activate a cell, or pick namespaces in the filter, to see their workloads.';
      grid = Grid(root, {
        label: 'Allowed connections between namespaces', rows: names.length, cols: names.length, corner: 'from \u2193  to \u2192',
        rowLabel: function (r) { return names[r] + ' (' + size.get(names[r]) + ')'; },
        colLabel: function (c) { return names[c]; },
        cell: function (r, c) {
          var e = pairs.get(names[r] + '\u0000' + names[c]);
          var total = size.get(names[r]) * size.get(names[c]);
          if (!e) return { cls: '', label: names[r] + ' to ' + names[c] + ': nothing allowed' };
          return { cls: e.pairs === total ? 'allowed' : 'partial', text: e.pairs > 99 ? '+' : String(e.pairs), label: names[r] + ' to ' + names[c] + ': ' + e.pairs + ' of ' + total + ' workload pairs allowed' };
        },
        activate: function (r, c) { setSelection(names[r] === names[c] ? [names[r]] : [names[r], names[c]]); }
      });
      return;
    }
    note.textContent = axis.length + ' endpoints; rows are sources, columns destinations. Activate a cell (click, or arrows then Enter) to see why.';
    grid = Grid(root, {
      label: 'Allowed connections between workloads', rows: axis.length, cols: axis.length, corner: 'from \u2193  to \u2192',
      rowLabel: function (r) { return conn.endpoints[axis[r]].id; },
      colLabel: function (c) { return conn.endpoints[axis[c]].id; },
      cell: function (r, c) {
        var s = axis[r], d = axis[c];
        var p = allowed(s, d);
        var label = conn.endpoints[s].id + ' to ' + conn.endpoints[d].id + ': ' + (p ? 'allowed on ' + p.text : 'denied');
        return { cls: p ? (p.all ? 'allowed' : 'partial') : '', label: label };
      },
      activate: function (r, c) { explain(axis[r], axis[c]); }
    });
  }

  // ---- why: the same reasoning as the engine's explain (core/reachability/explain.ts)
  function policyLink(p) { return h('span', null, h('code', null, p.namespace + '/' + p.name), ' (', link(p.file, p.line, p.href), ')'); }
  function side(direction, self, other, destination) {
    var E = conn.endpoints, e = E[self];
    var head = h('strong', null, direction + ' of ' + e.id + ': ');
    if (e.namespace === 'external') return h('li', null, head, 'an address range outside the cluster, not subject to NetworkPolicies');
    if (e.hostNetwork) return h('li', null, head, 'a hostNetwork workload, not governed by NetworkPolicies');
    var set = conn.policySets[direction === 'egress' ? e.egress : e.ingress];
    if (set.length === 0) return h('li', null, head, 'not isolated (no NetworkPolicy selects it for ' + direction + '), so everything is allowed');
    var li = h('li', null, head, 'isolated by ');
    set.forEach(function (p, i) { if (i > 0) li.appendChild(document.createTextNode(', ')); li.appendChild(policyLink(conn.policies[p])); });
    var ul = h('ul');
    set.forEach(function (p) {
      var policy = conn.policies[p];
      policy[direction].forEach(function (ri) {
        var rule = conn.rules[ri];
        if (rule.peers !== undefined && !inRanges(conn.peerSets[rule.peers], other)) return;
        var sig = String(E[destination].portSignature);
        var ports = rule.portsBySignature && sig in rule.portsBySignature ? rule.portsBySignature[sig] : rule.ports;
        if (!ports) return;
        ul.appendChild(h('li', null, 'allowed by ', h('code', null, policy.namespace + '/' + policy.name), ' ' + direction + ' rule ' + (rule.index + 1) + ' (', link(rule.file, rule.line, rule.href), '): ' + ports));
      });
    });
    if (!ul.firstChild) ul.appendChild(h('li', null, 'no rule of these policies allows traffic ' + (direction === 'egress' ? 'to ' : 'from ') + E[other].id));
    li.appendChild(ul);
    return li;
  }
  function explain(s, d) {
    var E = conn.endpoints, why = document.getElementById('why');
    why.textContent = '';
    var p = allowed(s, d);
    var title = h('p', null, h('code', null, E[s].id), ' \u2192 ', h('code', null, E[d].id), ': ');
    if (E[s].namespace === 'external' && E[d].namespace === 'external') title.appendChild(document.createTextNode('not analysed (neither end is in the cluster)'));
    else title.appendChild(h('span', { className: p ? 'verdict-allowed' : 'verdict-denied' }, p ? (p.all ? 'ALLOWED on every port' : 'ALLOWED only on ' + p.text) : 'DENIED'));
    why.appendChild(title);
    if (!(E[s].namespace === 'external' && E[d].namespace === 'external')) why.appendChild(h('ul', null, side('egress', s, d, d), side('ingress', d, s, d)));
    var ref = function (e) { return e.namespace === 'external' ? e.id.split('-')[0] : e.id; };
    why.appendChild(h('p', { className: 'muted' }, 'In a terminal: ', h('code', null, 'netpol-guardrails explain --from ' + ref(E[s]) + ' --to ' + ref(E[d]))));
  }

  performance.mark('report:data');
  renderFindings();
  performance.mark('report:findings');
  renderMatrix();
  performance.mark('report:matrix');
  // milliseconds since navigation began, for bench/report.ts
  document.body.setAttribute('data-ready-ms', String(Math.round(performance.now())));
  document.body.setAttribute('data-ready', 'true');
  // the graph's layout is the slowest part: tables and matrix are usable before it
  setTimeout(function () {
    try { buildGraph(); filterGraph(); } catch (error) { document.getElementById('graph').textContent = 'The graph could not be drawn: ' + error; }
    performance.mark('report:graph');
    document.body.setAttribute('data-graph-ms', String(Math.round(performance.now())));
    document.body.setAttribute('data-graph-ready', 'true');
  }, 0);
})();
`;
