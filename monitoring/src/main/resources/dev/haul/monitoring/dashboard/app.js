// Haul dashboard: polls /api/snapshot and draws it. Text goes in through textContent only.
(function () {
  'use strict';
  const HISTORY = 300;
  const el = (id) => document.getElementById(id);
  const make = (tag, text, cls) => {
    const e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  };
  const fmtInt = (n) => Math.round(n).toLocaleString('en-US');
  const fmtMs = (ms) => (ms < 10 ? ms.toFixed(2) : ms < 100 ? ms.toFixed(1) : Math.round(ms).toString()) + ' ms';
  const fmtPct = (x) => (x * 100).toFixed(1) + '%';
  const fmtBytes = (b) => {
    if (b < 0) return '?';
    const u = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
    let i = 0;
    while (b >= 1024 && i < u.length - 1) { b /= 1024; i++; }
    return (i === 0 ? b.toFixed(0) : b.toFixed(1)) + ' ' + u[i];
  };
  const fmtDuration = (s) => {
    if (s < 0) return '?';
    if (s < 60) return s + ' s';
    if (s < 3600) return Math.floor(s / 60) + ' m ' + (s % 60) + ' s';
    return Math.floor(s / 3600) + ' h ' + Math.floor((s % 3600) / 60) + ' m';
  };

  const t = [], rps = [], success = [], p50 = [], p95 = [], p99 = [];
  const errorSeries = new Map(); // type -> per-second values
  let prev = null;
  let charts = null;
  let errorChart = null;
  let errorTypes = [];

  function chartOpts(title, series, width) {
    return { width: width, height: 180, series: [{}].concat(series), axes: [{}, {}], legend: { show: true } };
  }

  function ensureCharts() {
    if (charts || typeof uPlot === 'undefined') return;
    const w = Math.max(320, Math.floor((document.body.clientWidth - 120) / 3));
    charts = {
      rps: new uPlot(chartOpts('rps', [
        { label: 'requests/s', stroke: '#2764c5', width: 2 },
        { label: 'success %', stroke: '#1f7a3a', scale: '%' }], w), [t, rps, success], el('chart-rps')),
      latency: new uPlot(chartOpts('latency', [
        { label: 'p50', stroke: '#2764c5' }, { label: 'p95', stroke: '#d08a0a' },
        { label: 'p99', stroke: '#c62828', width: 2 }], w), [t, p50, p95, p99], el('chart-latency')),
      width: w,
    };
  }

  const palette = ['#c62828', '#6a1b9a', '#ef6c00', '#00838f', '#5d4037', '#283593', '#2e7d32', '#ad1457'];
  function drawErrors() {
    if (!charts) return;
    const types = Array.from(errorSeries.keys()).sort();
    el('errors-empty').hidden = types.length > 0;
    if (types.length === 0) return;
    const data = [t].concat(types.map((k) => errorSeries.get(k)));
    if (!errorChart || types.join() !== errorTypes.join()) {
      if (errorChart) errorChart.destroy();
      errorTypes = types;
      errorChart = new uPlot(chartOpts('errors', types.map((k, i) => ({ label: k, stroke: palette[i % palette.length] })),
        charts.width), data, el('chart-errors'));
    } else {
      errorChart.setData(data);
    }
  }

  function push(arr, v) {
    arr.push(v);
    if (arr.length > HISTORY) arr.shift();
  }

  function overview(s) {
    const o = s.overview;
    el('requests').textContent = fmtInt(o.requests);
    el('failed').textContent = fmtInt(o.failed);
    el('active').textContent = fmtInt(o.active);
    el('success-rate').textContent = fmtPct(o.successRate);
    el('p50').textContent = fmtMs(o.p50Millis);
    el('p95').textContent = fmtMs(o.p95Millis);
    el('p99').textContent = fmtMs(o.p99Millis);
    const now = s.time / 1000;
    let rate = 0, okShare = 100;
    if (prev) {
      const dt = Math.max(0.001, now - prev.time / 1000);
      const dReq = o.requests - prev.overview.requests;
      const dFail = o.failed - prev.overview.failed;
      rate = dReq / dt;
      okShare = dReq > 0 ? 100 * (dReq - dFail) / dReq : 100;
      const types = new Set(Object.keys(o.errors).concat(Array.from(errorSeries.keys())));
      types.forEach((k) => {
        if (!errorSeries.has(k)) errorSeries.set(k, t.map(() => 0));
        const d = ((o.errors[k] || 0) - (prev.overview.errors[k] || 0)) / dt;
        errorSeries.get(k).push(d);
      });
    } else {
      Object.keys(o.errors).forEach((k) => errorSeries.set(k, []));
    }
    el('rps').textContent = rate.toFixed(1);
    t.push(now); rps.push(rate); success.push(okShare);
    p50.push(o.p50Millis); p95.push(o.p95Millis); p99.push(o.p99Millis);
    if (!prev) errorSeries.forEach((v) => v.push(0));
    if (t.length > HISTORY) {
      [t, rps, success, p50, p95, p99].forEach((a) => a.shift());
      errorSeries.forEach((v) => v.shift());
    }
    ensureCharts();
    if (charts) {
      charts.rps.setData([t, rps, success]);
      charts.latency.setData([t, p50, p95, p99]);
      drawErrors();
    }
  }

  function keyed(obj) {
    const parts = Object.keys(obj).filter((k) => obj[k] > 0).map((k) => k + ' ' + fmtInt(obj[k]));
    return parts.length ? parts.join(', ') : '–';
  }

  function origins(s) {
    const body = el('origins').tBodies[0];
    el('origins-empty').hidden = s.origins.length > 0;
    const rows = s.origins.map((o) => {
      const tr = make('tr');
      tr.dataset.origin = o.origin;
      const h = o.health;
      if (h.errorRate || h.latency || h.pool || h.circuit) tr.className = 'unhealthy';
      const cell = (text, bad, name) => {
        const td = make('td', text, bad ? 'bad' : null);
        if (name) td.dataset.field = name;
        tr.appendChild(td);
      };
      cell(o.origin, false, 'origin');
      cell(fmtInt(o.requests), false, 'requests');
      cell(fmtInt(o.failed), h.errorRate, 'failed');
      cell(fmtMs(o.p50Millis), false, 'p50');
      cell(fmtMs(o.p95Millis), false, 'p95');
      cell(fmtMs(o.p99Millis), h.latency, 'p99');
      cell(fmtMs(o.timeToHeadersP99Millis), false, 'ttfb');
      cell(keyed(o.responses), false, 'responses');
      cell(fmtInt(o.connectionsNew) + ' / ' + fmtInt(o.connectionsReused), false, 'connections');
      cell(fmtPct(o.reuseRatio), false, 'reuse');
      cell(o.poolLeased + ' / ' + o.poolIdle + ' / ' + o.poolPending, h.pool, 'pool');
      cell(keyed(o.retries), false, 'retries');
      cell(fmtInt(o.retriesGivenUp) + (o.retryBudgetExhausted ? ' (budget ' + o.retryBudgetExhausted + ')' : ''), false, 'gaveup');
      cell(fmtInt(o.redirects), false, 'redirects');
      cell(o.circuit, h.circuit, 'circuit');
      return tr;
    });
    body.replaceChildren.apply(body, rows);
  }

  function downloads(s) {
    const d = s.downloads;
    el('downloads-empty').hidden = d.seen;
    el('downloads-summary').textContent = d.seen
      ? 'active ' + d.active.length + ' · completed ' + d.completed + ' · failed ' + d.failed + ' · cancelled ' + d.cancelled + ' · ' + fmtBytes(d.bytes)
        + ' received · segments ' + d.segmentsActive + ' · restarts ' + d.restarts + ' · resumes ' + d.resumes
      : '';
    const list = d.active.map((x) => {
      const row = make('div', null, 'download');
      row.dataset.id = x.id;
      row.appendChild(make('span', 'download ' + x.id));
      const bar = make('progress');
      if (x.total > 0) { bar.max = x.total; bar.value = x.received; }
      bar.dataset.received = x.received;
      row.appendChild(bar);
      row.appendChild(make('span', fmtBytes(x.received) + ' of ' + fmtBytes(x.total) + ' · '
        + fmtBytes(x.bytesPerSecond) + '/s · ETA ' + fmtDuration(x.etaSeconds) + ' · ' + x.segments + ' segments'));
      return row;
    });
    const box = el('downloads-active');
    box.replaceChildren.apply(box, list);
    const fin = el('downloads-finished');
    fin.hidden = d.finished.length === 0;
    el('downloads-finished-title').hidden = d.finished.length === 0;
    const rows = d.finished.map((x) => {
      const tr = make('tr');
      [x.id, x.state + (x.failure ? ' (' + x.failure + ')' : ''), fmtBytes(x.received),
        fmtDuration(Math.round(x.elapsedMillis / 1000)), x.restarts].forEach((v) => tr.appendChild(make('td', v)));
      if (x.state !== 'completed') tr.children[1].className = 'bad';
      return tr;
    });
    fin.tBodies[0].replaceChildren.apply(fin.tBodies[0], rows);
  }

  function list(dlId, pairs) {
    const dl = el(dlId);
    const items = [];
    pairs.forEach(([k, v, id]) => {
      items.push(make('dt', k));
      const dd = make('dd', v);
      if (id) dd.id = id;
      items.push(dd);
    });
    dl.replaceChildren.apply(dl, items);
  }

  function cache(s) {
    const c = s.cache;
    el('cache-empty').hidden = c.installed;
    el('cache').hidden = !c.installed;
    if (c.installed) {
      const lookups = c.hits + c.misses + c.conditionalHits + c.staleServed;
      list('cache', [['hits', fmtInt(c.hits)], ['misses', fmtInt(c.misses)],
        ['conditional hits', fmtInt(c.conditionalHits)], ['stale served', fmtInt(c.staleServed)],
        ['hit ratio', lookups ? fmtPct((c.hits + c.conditionalHits + c.staleServed) / lookups) : '–'],
        ['stored', fmtInt(c.stores)], ['evictions', fmtInt(c.evictions)], ['size', fmtBytes(c.sizeBytes)]]);
    }
  }

  function jvm(s) {
    const j = s.jvm;
    list('jvm', [['heap used', fmtBytes(j.heapUsed), 'heap-used'], ['heap committed', fmtBytes(j.heapCommitted)],
      ['heap max', fmtBytes(j.heapMax)], ['direct buffers', fmtBytes(j.directUsed) + ' in ' + j.directCount + ' buffers', 'direct-used'],
      ['GC', fmtInt(j.gcCount) + ' collections, ' + fmtInt(j.gcTimeMillis) + ' ms']]);
    const bar = el('heap-bar');
    if (j.heapMax > 0) { bar.max = j.heapMax; bar.value = j.heapUsed; }
  }

  let refresh = 1000;
  async function tick() {
    try {
      const r = await fetch('/api/snapshot', { cache: 'no-store', credentials: 'same-origin' });
      if (!r.ok) throw new Error('HTTP ' + r.status);
      const s = await r.json();
      refresh = Math.min(1000, Math.max(100, s.refreshMillis || 1000));
      overview(s);
      origins(s);
      downloads(s);
      cache(s);
      jvm(s);
      prev = s;
      el('updated').textContent = new Date(s.time).toLocaleTimeString();
      el('status').textContent = 'live';
      el('status').className = 'status ok';
    } catch (e) {
      el('status').textContent = 'disconnected';
      el('status').className = 'status down';
    }
    setTimeout(tick, refresh);
  }
  tick();
})();
