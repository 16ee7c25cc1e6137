// SpectraCache dashboard: live figures over Server-Sent Events, the fleet map, device search and series, the
// cluster, the dead-letter queue. Every value from the server is put into the page as text (never as HTML), and
// chart tooltips are drawn as canvas text (renderMode richText) for the same reason.
'use strict';

const WINDOW = 300; // samples kept in the live charts (one a second: five minutes)
const $ = (id) => document.getElementById(id);
const theme = { textStyle: { color: '#e6edf3' } };
const axis = { axisLine: { lineStyle: { color: '#5b6b7a' } }, splitLine: { lineStyle: { color: '#24313d' } },
  axisLabel: { color: '#8b98a5', fontSize: 10, hideOverlap: true } };

function el(tag, text, cls) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  if (cls) node.className = cls;
  return node;
}

async function getJson(url) {
  const response = await fetch(url, { headers: { Accept: 'application/json' } });
  if (!response.ok) {
    let message = response.status + '';
    try { message = (await response.json()).message || message; } catch (e) { /* not JSON */ }
    const error = new Error(message);
    error.status = response.status;
    throw error;
  }
  return response.json();
}

function fmt(value, digits = 1) {
  if (value === null || value === undefined || Number.isNaN(value)) return '–';
  if (Math.abs(value) >= 1000) return Math.round(value).toLocaleString('en');
  return value.toFixed(digits);
}

// ---- live charts ---------------------------------------------------------------------------------------------
function lineChart(id) {
  const chart = echarts.init($(id), null, { renderer: 'canvas' });
  chart.setOption({
    ...theme, animation: false, grid: { left: 48, right: 12, top: 28, bottom: 24 },
    legend: { top: 0, left: 40, textStyle: { color: '#8b98a5', fontSize: 10 } },
    tooltip: { trigger: 'axis', renderMode: 'richText' },
    xAxis: { type: 'time', splitNumber: 4, ...axis },
    yAxis: { type: 'value', min: 0, ...axis },
    series: [],
  });
  return chart;
}

const charts = {
  ingest: lineChart('chart-ingest'),
  dlq: lineChart('chart-dlq'),
  lag: lineChart('chart-lag'),
  freshness: lineChart('chart-freshness'),
};
const samples = [];

function series(name, points, extra = {}) {
  return { name, type: 'line', showSymbol: false, data: points, ...extra };
}

function redraw() {
  const t = (s) => s.at;
  charts.ingest.setOption({ series: [
    series('raw events', samples.map((s) => [t(s), s.ingestRate])),
    series('accepted', samples.map((s) => [t(s), s.acceptedRate])),
    series('duplicates', samples.map((s) => [t(s), s.duplicatesRate])),
  ] });
  const reasons = new Set();
  samples.forEach((s) => Object.keys(s.dlqRateByReason || {}).forEach((r) => reasons.add(r)));
  charts.dlq.setOption({ series: [...reasons].sort().map((reason) => series(reason,
      samples.map((s) => [t(s), (s.dlqRateByReason || {})[reason] || 0]), { stack: 'dlq', areaStyle: {} })) }, { replaceMerge: ['series'] });
  charts.lag.setOption({ series: [series('records behind', samples.map((s) => [t(s), s.consumerLag]))] });
  charts.freshness.setOption({ series: [
    series('average', samples.map((s) => [t(s), s.freshnessMs])),
    series('max', samples.map((s) => [t(s), s.freshnessMaxMs])),
  ] });
}

function showFigures(s) {
  $('ingest-rate').textContent = fmt(s.ingestRate);
  $('ingest-rate').dataset.rate = String(s.ingestRate || 0);
  const dlq = Object.values(s.dlqRateByReason || {}).reduce((a, b) => a + b, 0);
  $('dlq-rate').textContent = fmt(dlq);
  $('dup-rate').textContent = fmt(s.duplicatesRate);
  $('lag').textContent = fmt(s.consumerLag, 0);
  $('freshness').textContent = fmt(s.freshnessMs, 0);
  $('instance').textContent = s.instances + (s.instances === 1 ? ' instance' : ' instances')
      + (s.partial ? ' (some did not answer)' : '');
}

function addSample(sample) {
  samples.push(sample);
  while (samples.length > WINDOW) samples.shift();
  showFigures(sample);
}

function connectLive() {
  const source = new EventSource('/v1/dashboard/live');
  source.addEventListener('history', (event) => {
    samples.length = 0;
    JSON.parse(event.data).forEach(addSample);
    redraw();
  });
  source.addEventListener('sample', (event) => {
    addSample(JSON.parse(event.data));
    redraw();
    $('live-state').textContent = 'live';
    $('live-state').className = 'pill good';
  });
  source.onerror = () => {
    $('live-state').textContent = 'live: reconnecting';
    $('live-state').className = 'pill bad';
  };
}

// ---- health ----------------------------------------------------------------------------------------------------
async function refreshHealth() {
  try {
    const ready = await fetch('/health/ready').then((r) => r.json());
    $('health').textContent = ready.ready ? 'ready' : 'not ready: ' + ready.detail;
    $('health').className = 'pill ' + (ready.ready ? 'good' : 'bad');
  } catch (e) {
    $('health').textContent = 'unreachable';
    $('health').className = 'pill bad';
  }
}

// ---- map ---------------------------------------------------------------------------------------------------------
const map = echarts.init($('map'), null, { renderer: 'canvas' });
let fences = [];
let mapFitted = false;
let mapReady = false;

async function initMap() {
  const world = await getJson('/dashboard/world.json');
  echarts.registerMap('world', world);
  map.setOption({
    ...theme, animation: false,
    // richText: drawn on the canvas, never parsed as HTML (device ids and fence names come from anyone who writes events).
    tooltip: { trigger: 'item', renderMode: 'richText', formatter: (p) => p.seriesName === 'devices' ? p.data.name : p.name },
    geo: { map: 'world', roam: true, itemStyle: { areaColor: '#1f2d3a', borderColor: '#3a4b5c' },
      emphasis: { itemStyle: { areaColor: '#2a3c4d' }, label: { show: false } } },
    series: [{ name: 'devices', type: 'scatter', coordinateSystem: 'geo', symbolSize: 4, large: true,
      itemStyle: { color: '#4fb3ff' }, data: [] }],
  });
  map.on('click', (p) => { if (p.seriesName === 'devices') showDevice(p.data.name); });
  mapReady = true;
  drawFences();
}

async function refreshMap() {
  try {
    const sample = await getJson('/v1/dashboard/map');
    const data = sample.devices.map((d) => ({ name: d.deviceId, value: [d.lon, d.lat] }));
    const geo = {};
    if (!mapFitted && data.length > 0) {
      // Zoom to the fleet once (the reader may zoom and pan freely after): its bounding box, with a margin.
      const lons = data.map((d) => d.value[0]);
      const lats = data.map((d) => d.value[1]);
      const pad = Math.max(0.05, (Math.max(...lons) - Math.min(...lons)) * 0.15, (Math.max(...lats) - Math.min(...lats)) * 0.15);
      geo.center = [(Math.min(...lons) + Math.max(...lons)) / 2, (Math.min(...lats) + Math.max(...lats)) / 2];
      geo.zoom = Math.min(200, 360 / (Math.max(...lons) - Math.min(...lons) + 2 * pad));
      mapFitted = true;
    }
    map.setOption({ geo, series: [{ name: 'devices', data }] });
    $('map-count').textContent = data.length.toLocaleString('en') + ' devices shown (a sample, refreshed as the fleet moves)';
    $('map-count').dataset.count = String(data.length);
  } catch (e) {
    $('map-count').textContent = 'map: ' + e.message;
  }
}

// ---- devices -----------------------------------------------------------------------------------------------------
let searchTimer = null;
let currentDevice = null;
const deviceChart = echarts.init($('device-chart'), null, { renderer: 'canvas' });

$('device-search').addEventListener('input', () => {
  clearTimeout(searchTimer);
  searchTimer = setTimeout(search, 200);
});

async function search() {
  const prefix = $('device-search').value.trim();
  const list = $('device-results');
  list.replaceChildren();
  if (!prefix) return;
  try {
    const page = await getJson('/v1/devices?limit=20&prefix=' + encodeURIComponent(prefix));
    page.items.forEach((state) => {
      const item = el('li', state.deviceId, 'device-result');
      item.addEventListener('click', () => showDevice(state.deviceId));
      list.appendChild(item);
    });
    if (page.items.length === 0) list.appendChild(el('li', 'no device starts with "' + prefix + '"', 'muted'));
  } catch (e) {
    list.appendChild(el('li', e.message, 'muted'));
  }
}

async function showDevice(id) {
  currentDevice = id;
  const box = $('device-state');
  try {
    const state = await getJson('/v1/devices/' + encodeURIComponent(id));
    const table = el('table');
    const row = (k, v) => { const tr = el('tr'); tr.append(el('th', k), el('td', v)); table.appendChild(tr); };
    row('device', state.deviceId);
    row('tenant', state.lastEvent.tenant || '–');
    row('last seen', state.lastSeen);
    row('events', state.eventCount);
    if (state.location) row('location', state.location.lat.toFixed(5) + ', ' + state.location.lon.toFixed(5));
    Object.entries(state.metrics || {}).sort().forEach(([name, reading]) => row(name, reading.value));
    box.replaceChildren(table);
    if (state.location) {
      // Which geofences it is in: 404 when the spatial capability is off or the device has no position.
      getJson('/v1/devices/' + encodeURIComponent(id) + '/geofences').then((where) => {
        if (currentDevice !== id) return;
        const tr = el('tr');
        tr.className = 'device-fences';
        tr.dataset.fences = where.geofences.map((g) => g.fenceId).join(',');
        tr.append(el('th', 'geofences'), el('td', where.geofences.length ? where.geofences.map((g) => g.fenceId
            + ' (since ' + g.enteredAt + (g.outsideSince ? ', leaving' : '') + ')').join(', ') : 'none'));
        table.appendChild(tr);
      }).catch(() => {});
    }
    box.className = '';
    box.dataset.device = state.deviceId;
    const listing = await getJson('/v1/devices/' + encodeURIComponent(id) + '/series').catch(() => ({ series: [] }));
    const select = $('device-metric');
    const previous = select.value;
    select.replaceChildren(...listing.series.map((s) => el('option', s.metric)));
    if (listing.series.some((s) => s.metric === previous)) select.value = previous;
    await chartSeries();
  } catch (e) {
    box.textContent = e.message;
  }
}

const RANGES = { '15m': { from: '-15m' }, '1h': { from: '-1h' }, '6h': { from: '-6h', step: '1m' },
  '24h': { from: '-24h', step: '5m' }, '7d': { from: '-7d', step: '1h' } };

async function chartSeries() {
  const metric = $('device-metric').value;
  if (!currentDevice || !metric) return;
  const range = RANGES[$('device-range').value];
  let url = '/v1/devices/' + encodeURIComponent(currentDevice) + '/series/' + encodeURIComponent(metric) + '?from=' + range.from;
  if (range.step) url += '&step=' + range.step + '&agg=avg,min,max';
  try {
    const answer = await getJson(url);
    let plotted;
    if (answer.points) {
      plotted = [series(metric, answer.points)];
    } else {
      const b = answer.buckets || [];
      plotted = [series('avg', b.map((x) => [x.start, x.avg])), series('min', b.map((x) => [x.start, x.min])),
        series('max', b.map((x) => [x.start, x.max]))];
    }
    deviceChart.setOption({ ...theme, animation: false, grid: { left: 48, right: 12, top: 28, bottom: 24 },
      legend: { top: 0, textStyle: { color: '#8b98a5', fontSize: 10 } }, tooltip: { trigger: 'axis', renderMode: 'richText' },
      xAxis: { type: 'time', ...axis }, yAxis: { type: 'value', scale: true, ...axis }, series: plotted }, true);
    $('device-chart').dataset.points = String(plotted[0].data.length);
  } catch (e) {
    $('device-chart').dataset.points = '0';
    deviceChart.clear();
    deviceChart.setOption({ title: { text: e.message, textStyle: { color: '#8b98a5', fontSize: 12 } } });
  }
}
$('device-metric').addEventListener('change', chartSeries);
$('device-range').addEventListener('change', chartSeries);

// ---- cluster -----------------------------------------------------------------------------------------------------
function partitionsText(stores, key) {
  const all = new Set();
  Object.values(stores).forEach((a) => a[key].forEach((p) => all.add(p)));
  return all.size ? [...all].sort((a, b) => a - b).join(', ') : '–';
}

async function refreshCluster() {
  try {
    const view = await getJson('/v1/cluster');
    const body = $('cluster').querySelector('tbody');
    body.replaceChildren(...view.instances.map((instance) => {
      const tr = el('tr');
      const status = instance.status;
      const lags = status ? status.stores : [];
      const restoring = lags.filter((l) => l.restoring);
      const standbyLag = lags.filter((l) => l.role === 'standby').reduce((a, l) => a + l.lag, 0);
      tr.append(
        el('td', instance.instance + (instance.self ? ' (this one)' : '')),
        el('td', status ? status.state : 'did not answer'),
        el('td', partitionsText(instance.stores, 'active')),
        el('td', partitionsText(instance.stores, 'standby')),
        el('td', restoring.length ? restoring.map((l) => l.store + '/' + l.partition + ' '
            + Math.round(l.restoreProgress * 100) + '%').join(', ') : 'none'),
        el('td', status ? standbyLag.toLocaleString('en') : '–'),
        el('td', status ? status.live.consumerLag.toLocaleString('en') : '–'));
      return tr;
    }));
    const stores = Object.keys(view.partitions).length;
    $('cluster-summary').textContent = view.instances.length + ' instance(s), ' + stores + ' stores'
        + (view.partial ? ', partial: ' + view.failedInstances.join(', ') + ' did not answer' : '');
  } catch (e) {
    $('cluster-summary').textContent = e.message;
  }
}

// ---- dead letters ------------------------------------------------------------------------------------------------
async function refreshDlq() {
  try {
    const answer = await getJson('/v1/dashboard/dlq?limit=25');
    const body = $('dlq').querySelector('tbody');
    body.replaceChildren(...answer.records.map((r) => {
      const tr = el('tr');
      tr.append(el('td', r.timestamp), el('td', r.reason), el('td', r.detail),
        el('td', r.sourceTopic ? r.sourceTopic + '/' + r.sourcePartition + '@' + r.sourceOffset : '–'),
        el('td', r.value, 'value'));
      return tr;
    }));
    if (answer.records.length === 0) {
      const tr = el('tr');
      const td = el('td', 'no dead letters', 'muted');
      td.colSpan = 5;
      tr.appendChild(td);
      body.appendChild(tr);
    }
  } catch (e) {
    $('dlq').querySelector('tbody').replaceChildren(el('tr', e.message));
  }
}

// ---- sketches: distinct counts, top-K, membership ------------------------------------------------------------
// GET /v1/sketches says what is defined; each distinct count gets a chart and a total, each top-K a table. Until it
// answers (404: sketches switched off), the panels stay dimmed with their note.
const distinctViews = new Map();
const topKViews = new Map();
let groupsAskedAt = 0;
const GROUPS_EVERY_MS = 60000;

function option(value, text) {
  const node = el('option', text);
  node.value = value;
  return node;
}

function startOfTodayUtc() {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate())).toISOString();
}

// One estimate per minute when the finest window is a minute (the default); otherwise one per finest window.
function stepOf(definition) {
  return definition.windows && definition.windows.length ? definition.windows[0].size : '1m';
}

function bounds(answer) {
  return fmt(answer.lower95, 0) + '–' + fmt(answer.upper95, 0);
}

function distinctView(definition) {
  const block = el('div', null, 'distinct-block');
  block.dataset.name = definition.name;
  block.dataset.buckets = '0';
  const head = el('div', null, 'distinct-head');
  const total = el('span', '–', 'total');
  const totalBounds = el('span', '', 'muted');
  head.append(el('strong', definition.name),
    el('span', 'distinct ' + definition.field + (definition.groupBy ? ', grouped by ' + definition.groupBy : ''), 'muted'),
    el('span', 'today (UTC):', 'muted'), total, totalBounds);
  let select = null;
  if (definition.groupBy) {
    select = el('select', null, 'distinct-group');
    select.appendChild(option('', 'every ' + definition.groupBy));
    select.addEventListener('change', () => refreshDistinct(view));
    head.append(select);
  }
  const chartBox = el('div', null, 'chart distinct-chart');
  block.append(head, chartBox);
  const view = { definition, block, total, totalBounds, select, chart: echarts.init(chartBox, null, { renderer: 'canvas' }) };
  return view;
}

async function refreshDistinct(view) {
  const name = view.definition.name;
  const group = view.select && view.select.value ? '&group=' + encodeURIComponent(view.select.value) : '';
  const base = '/v1/distinct/' + encodeURIComponent(name) + '?';
  try {
    const [answer, today] = await Promise.all([
      getJson(base + 'from=-1h&step=' + encodeURIComponent(stepOf(view.definition)) + group),
      getJson(base + 'from=' + encodeURIComponent(startOfTodayUtc()) + group)]);
    const b = answer.buckets;
    // The band: the lower bound, then the width up to the upper bound stacked on it and filled.
    view.chart.setOption({ ...theme, animation: false, grid: { left: 48, right: 12, top: 28, bottom: 24 },
      legend: { top: 0, data: ['estimate', '95 % band'], textStyle: { color: '#8b98a5', fontSize: 10 } },
      tooltip: { trigger: 'axis', renderMode: 'richText', formatter: (params) => {
        const bucket = b[params[0].dataIndex];
        return new Date(bucket.start).toISOString().slice(11, 16) + ' UTC: ' + fmt(bucket.estimate, 0)
            + ' (95 %: ' + bounds(bucket) + ')';
      } },
      xAxis: { type: 'time', ...axis }, yAxis: { type: 'value', min: 0, ...axis },
      series: [
        series('lower', b.map((x) => [x.start, x.lower95]), { stack: 'band', lineStyle: { opacity: 0 }, tooltip: { show: false } }),
        series('95 % band', b.map((x) => [x.start, x.upper95 - x.lower95]),
          { stack: 'band', lineStyle: { opacity: 0 }, areaStyle: { color: '#4fb3ff', opacity: 0.25 }, itemStyle: { color: '#4fb3ff' } }),
        series('estimate', b.map((x) => [x.start, x.estimate]), { itemStyle: { color: '#4fb3ff' }, lineStyle: { width: 2 } }),
      ] }, true);
    view.total.textContent = fmt(today.estimate, 0);
    view.totalBounds.textContent = '95 %: ' + bounds(today) + (today.partial || answer.partial ? ' (partial: '
        + today.failedInstances.concat(answer.failedInstances).join(', ') + ' did not answer)' : '');
    view.block.dataset.buckets = String(b.length);
    view.block.dataset.estimate = String(today.estimate);
  } catch (e) {
    view.totalBounds.textContent = e.message;
  }
}

// The group selector lists the groups that had events in the last 24 h (GET /v1/distinct/{name}/groups).
async function refreshGroups(view) {
  if (!view.select) return;
  try {
    const answer = await getJson('/v1/distinct/' + encodeURIComponent(view.definition.name) + '/groups?from=-24h&limit=100');
    const chosen = view.select.value;
    const options = [option('', 'every ' + view.definition.groupBy)];
    answer.groups.forEach((g) => options.push(option(g, g)));
    if (chosen && !answer.groups.includes(chosen)) options.push(option(chosen, chosen + ' (no events in 24 h)'));
    if (answer.truncated) {
      const more = option('', '… more groups than listed');
      more.disabled = true;
      options.push(more);
    }
    view.select.replaceChildren(...options);
    view.select.value = chosen;
    view.select.dataset.groups = String(answer.groups.length);
  } catch (e) {
    // An older server without the route: the selector offers "every" only.
  }
}

function topKView(definition) {
  const block = el('div', null, 'topk-block');
  block.dataset.name = definition.name;
  const table = el('table');
  const head = el('tr');
  head.append(el('th', definition.field), el('th', 'events (est.)', 'num'), el('th', 'true count within', 'num'));
  table.append(el('thead'), el('tbody'));
  table.tHead.appendChild(head);
  const note = el('div', '', 'muted');
  block.append(el('h3', definition.name), table, note);
  return { definition, block, body: table.tBodies[0], note };
}

async function refreshTopK(view) {
  try {
    const answer = await getJson('/v1/topk/' + encodeURIComponent(view.definition.name) + '?from=-15m&k=10');
    const opens = view.definition.field === 'deviceId';
    view.body.replaceChildren(...answer.items.map((hitter) => {
      const tr = el('tr', null, 'topk-item');
      tr.dataset.item = hitter.item;
      tr.append(el('td', hitter.item), el('td', hitter.estimate.toLocaleString('en'), 'num'),
        el('td', hitter.lowerBound.toLocaleString('en') + '–' + hitter.upperBound.toLocaleString('en'), 'num'));
      if (opens) tr.addEventListener('click', () => showDevice(hitter.item));
      return tr;
    }));
    if (answer.items.length === 0) {
      const tr = el('tr');
      const td = el('td', 'no events in the last 15 min', 'muted');
      td.colSpan = 3;
      tr.appendChild(td);
      view.body.appendChild(tr);
    }
    view.note.textContent = answer.events.toLocaleString('en') + ' events counted; any estimate is at most '
        + answer.maximumError.toLocaleString('en') + ' above the true count'
        + (answer.partial ? '; partial: ' + answer.failedInstances.join(', ') + ' did not answer' : '');
  } catch (e) {
    view.note.textContent = e.message;
  }
}

async function refreshSketches() {
  let listing;
  try {
    listing = await getJson('/v1/sketches');
  } catch (e) {
    return; // 404 until the capability is there: the panels stay dimmed with their note.
  }
  if (!listing.enabled) return;
  listing.distinct.forEach((definition) => {
    if (!distinctViews.has(definition.name)) {
      if (distinctViews.size === 0) $('distinct-list').replaceChildren();
      const view = distinctView(definition);
      $('distinct-list').appendChild(view.block);
      view.chart.resize();
      distinctViews.set(definition.name, view);
    }
  });
  listing.topk.forEach((definition) => {
    if (!topKViews.has(definition.name)) {
      if (topKViews.size === 0) $('topk-list').replaceChildren();
      const view = topKView(definition);
      $('topk-list').appendChild(view.block);
      topKViews.set(definition.name, view);
    }
  });
  const filters = $('membership-filter');
  if (filters.options.length !== listing.membership.length) {
    filters.replaceChildren(...listing.membership.map((f) => option(f.name, f.name + ' (' + f.field + ')')));
  }
  $('panel-distinct').classList.toggle('live', distinctViews.size > 0);
  $('panel-topk').classList.toggle('live', topKViews.size > 0 || listing.membership.length > 0);
  $('distinct-list').dataset.charts = String(distinctViews.size);
  const askGroups = Date.now() - groupsAskedAt > GROUPS_EVERY_MS;
  if (askGroups) groupsAskedAt = Date.now();
  await Promise.all([...distinctViews.values()].map((v) => Promise.all([refreshDistinct(v), askGroups ? refreshGroups(v) : null]))
      .concat([...topKViews.values()].map(refreshTopK)));
}

$('membership-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const filter = $('membership-filter').value;
  const item = $('membership-item').value.trim();
  const out = $('membership-answer');
  if (!filter || !item) {
    out.textContent = filter ? 'type an id first' : 'no membership filter is defined';
    return;
  }
  try {
    const answer = await getJson('/v1/membership/' + encodeURIComponent(filter) + '/' + encodeURIComponent(item));
    out.textContent = answer.maybe ? '"' + item + '": maybe seen (' + filter + ')' : '"' + item + '": never seen (' + filter + ')';
    if (answer.partial) out.textContent += '; partial: ' + answer.failedInstances.join(', ') + ' did not answer';
    out.className = answer.maybe ? 'answer-maybe' : 'answer-never';
    out.dataset.answer = answer.maybe ? 'maybe' : 'never';
  } catch (e) {
    out.textContent = e.message;
    out.className = 'muted';
    out.dataset.answer = 'error';
  }
});

// ---- geofences ---------------------------------------------------------------------------------------------------
// The first FENCE_PAGE fences (GET /v1/geofences, id order) are drawn: every ring of every Polygon and MultiPolygon,
// holes dashed. Who is inside is counted for COUNTS_PER_ROUND fences per refresh, in turn, up to COUNT_CAP each
// (GET /v1/geofences/{id}/devices?limit=): a bounded number of requests whatever the number of fences.
const FENCE_PAGE = 200;
const COUNTS_PER_ROUND = 10;
const COUNT_CAP = 1000;
const fenceCounts = new Map();
let countFrom = 0;

// [{ring, hole}] of a GeoJSON geometry; null for anything that is not a Polygon or MultiPolygon.
function ringsOf(geometry) {
  if (!geometry) return null;
  const polygons = geometry.type === 'Polygon' ? [geometry.coordinates]
      : geometry.type === 'MultiPolygon' ? geometry.coordinates : null;
  if (!polygons) return null;
  const rings = [];
  polygons.forEach((polygon) => polygon.forEach((ring, i) => rings.push({ ring, hole: i > 0 })));
  return rings;
}

// Where the label goes: the middle of the largest shell's extent.
function labelPoint(rings) {
  let best = null;
  let bestArea = -1;
  rings.filter((r) => !r.hole).forEach((r) => {
    const lons = r.ring.map((p) => p[0]);
    const lats = r.ring.map((p) => p[1]);
    const area = (Math.max(...lons) - Math.min(...lons)) * (Math.max(...lats) - Math.min(...lats));
    if (area > bestArea) {
      bestArea = area;
      best = [(Math.max(...lons) + Math.min(...lons)) / 2, (Math.max(...lats) + Math.min(...lats)) / 2];
    }
  });
  return best;
}

function insideText(id) {
  const count = fenceCounts.get(id);
  return count === undefined ? 'counting…' : count.n.toLocaleString('en') + (count.more ? '+' : '') + ' inside';
}

async function countInside(id) {
  try {
    const members = await getJson('/v1/geofences/' + encodeURIComponent(id) + '/devices?limit=' + COUNT_CAP);
    fenceCounts.set(id, { n: members.features.length, more: !!members.nextCursor });
  } catch (e) {
    fenceCounts.delete(id);
  }
}

async function refreshFences() {
  let answer;
  try {
    answer = await getJson('/v1/geofences?limit=' + FENCE_PAGE);
  } catch (e) {
    return; // 404 until the spatial capability is there: the panel stays dimmed.
  }
  $('panel-geofences').classList.add('live');
  fences = answer.features.map((f) => {
    const id = f.id || (f.properties && f.properties.id) || 'fence';
    const rings = ringsOf(f.geometry);
    return rings ? { id, name: (f.properties && f.properties.name) || id, type: f.geometry.type, rings } : null;
  }).filter((f) => f);
  const known = new Set(fences.map((f) => f.id));
  [...fenceCounts.keys()].filter((id) => !known.has(id)).forEach((id) => fenceCounts.delete(id));
  if (fences.length > 0) {
    countFrom %= fences.length;
    const turn = fences.slice(countFrom, countFrom + COUNTS_PER_ROUND);
    countFrom += turn.length;
    await Promise.all(turn.map((f) => countInside(f.id)));
  }
  drawFences();
  const body = $('fences').querySelector('tbody');
  body.replaceChildren(...fences.map((f) => {
    const tr = el('tr');
    tr.dataset.fence = f.id;
    const count = fenceCounts.get(f.id);
    tr.dataset.inside = count === undefined ? '' : String(count.n);
    const holes = f.rings.filter((r) => r.hole).length;
    tr.append(el('td', f.id), el('td', f.name), el('td', f.type + (holes ? ', ' + holes + (holes === 1 ? ' hole' : ' holes') : '')),
      el('td', insideText(f.id), 'num'));
    return tr;
  }));
  if (fences.length === 0) {
    const tr = el('tr');
    const td = el('td', 'no geofences yet: PUT /v1/geofences/{id} with a GeoJSON Polygon or MultiPolygon', 'muted');
    td.colSpan = 4;
    tr.appendChild(td);
    body.appendChild(tr);
  }
  $('fences').dataset.count = String(fences.length);
  $('fence-summary').textContent = answer.total.toLocaleString('en') + ' fence(s)'
      + (answer.total > fences.length ? ', the first ' + fences.length + ' shown' : '')
      + '; devices inside counted ' + COUNTS_PER_ROUND + ' fences at a time, up to ' + COUNT_CAP.toLocaleString('en');
}

function drawFences() {
  if (!mapReady) return; // drawn once the world's outlines are in (initMap)
  const lines = [];
  fences.forEach((f) => f.rings.forEach((r) => lines.push({ name: f.name, coords: r.ring,
    lineStyle: r.hole ? { type: 'dashed', color: '#ffb347', width: 1.5 } : { color: '#ffb347', width: 2 } })));
  const labels = fences.map((f) => ({ name: f.name + ': ' + insideText(f.id), value: labelPoint(f.rings) }))
      .filter((l) => l.value);
  map.setOption({ series: [{ name: 'devices' },
    { name: 'geofences', type: 'lines', coordinateSystem: 'geo', polyline: true, silent: false, data: lines, z: 3 },
    { name: 'fence labels', type: 'scatter', coordinateSystem: 'geo', symbolSize: 0, data: labels, z: 4,
      label: { show: true, formatter: '{b}', color: '#ffd59a', fontSize: 11, textBorderColor: '#0f1720', textBorderWidth: 2 } }] });
  $('map').dataset.fences = String(fences.length);
}

// ---- start -------------------------------------------------------------------------------------------------------
window.addEventListener('resize', () => [...Object.values(charts), map, deviceChart, ...[...distinctViews.values()].map((v) => v.chart)]
    .forEach((c) => c.resize()));
connectLive();
refreshHealth();
setInterval(refreshHealth, 5000);
initMap().then(refreshMap).catch((e) => { $('map-count').textContent = 'map: ' + e.message; });
setInterval(refreshMap, 5000);
refreshCluster();
setInterval(refreshCluster, 5000);
refreshDlq();
setInterval(refreshDlq, 5000);
refreshSketches();
setInterval(refreshSketches, 10000);
refreshFences();
setInterval(refreshFences, 10000);
