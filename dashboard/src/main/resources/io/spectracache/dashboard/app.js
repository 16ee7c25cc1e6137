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

// ---- capabilities that may not be in this build ------------------------------------------------------------------
async function probeOptionalPanels() {
  for (const panel of document.querySelectorAll('.panel.optional')) {
    try {
      const answer = await getJson(panel.dataset.probe);
      panel.classList.add('live');
      const pre = el('pre', JSON.stringify(answer, null, 2).slice(0, 4000));
      panel.querySelector('.content').replaceChildren(pre);
      if (panel.id === 'panel-geofences') drawFences(answer);
    } catch (e) {
      // 404 until the capability is merged: the panel stays dimmed with its note.
    }
  }
}

function drawFences(answer) {
  const features = (answer && (answer.features || answer.items || answer.geofences)) || [];
  fences = features.filter((f) => f && f.geometry && f.geometry.type === 'Polygon').map((f) => ({
    name: (f.properties && f.properties.id) || f.id || 'fence',
    coords: f.geometry.coordinates[0],
  }));
  map.setOption({ series: [{ name: 'devices' }, { name: 'geofences', type: 'lines', coordinateSystem: 'geo', polyline: true,
    lineStyle: { color: '#ffb347', width: 2 }, data: fences }] });
}

// ---- start -------------------------------------------------------------------------------------------------------
window.addEventListener('resize', () => [...Object.values(charts), map, deviceChart].forEach((c) => c.resize()));
connectLive();
refreshHealth();
setInterval(refreshHealth, 5000);
initMap().then(refreshMap).catch((e) => { $('map-count').textContent = 'map: ' + e.message; });
setInterval(refreshMap, 5000);
refreshCluster();
setInterval(refreshCluster, 5000);
refreshDlq();
setInterval(refreshDlq, 5000);
probeOptionalPanels();
setInterval(probeOptionalPanels, 30000);
