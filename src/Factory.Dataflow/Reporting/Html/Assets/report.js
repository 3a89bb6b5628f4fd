// Draws the report's charts from the inline JSON data. No network, no libraries: plain DOM and SVG, text set with
// textContent only, so nothing from a trace is ever parsed as markup.
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('factory-data').textContent);
  var NS = 'http://www.w3.org/2000/svg';
  var WIDTH = 1200;
  var STAGE_COLORS = { plan: '#7b5ea7', scout: '#2f7ebc', build: '#e08a1e', validate: '#2e9a5a', test: '#c24a8d', review: '#8a6d3b' };
  var EXTRA_COLORS = ['#4f8a8b', '#a35d5d', '#6b7f2a', '#5d6ba3'];
  var OUTCOME_COLORS = {
    approved: '#2e9a5a', rejected: '#d9822b', build_budget_exhausted: '#c7443b', failed_in_stage: '#8a2c0d',
    budget_exceeded: '#7b5ea7', cancelled: '#9aa5b1', unfinished: '#cbd2d9'
  };
  var OUTCOME_ORDER = ['approved', 'rejected', 'build_budget_exhausted', 'failed_in_stage', 'budget_exceeded', 'cancelled', 'unfinished'];

  function stageColor(stage) {
    if (STAGE_COLORS[stage]) { return STAGE_COLORS[stage]; }
    var i = data.stages.indexOf(stage);
    return EXTRA_COLORS[(i < 0 ? 0 : i) % EXTRA_COLORS.length];
  }

  function outcomeOf(run) { return run.outcome === null ? 'unfinished' : run.outcome; }

  function el(name, attrs, parent, text) {
    var e = document.createElementNS(NS, name);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    if (parent) { parent.appendChild(e); }
    return e;
  }

  function tooltip(e, text) { el('title', {}, e, text); return e; }

  function html(tag, attrs, parent, text) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    if (parent) { parent.appendChild(e); }
    return e;
  }

  function fmtMs(ms) {
    if (ms < 1000) { return Math.round(ms) + ' ms'; }
    if (ms < 60000) { return (ms / 1000).toFixed(ms < 10000 ? 1 : 0) + ' s'; }
    return (ms / 60000).toFixed(1) + ' min';
  }

  // Log-axis labels stay in one unit per side of a second, so the decades read as decades: 10 ms, 100 ms, 1 s, 10 s, 100 s.
  function decade(power) {
    return power < 3 ? Math.pow(10, power) + ' ms' : Math.pow(10, power - 3) + ' s';
  }

  function quantile(sorted, q) {
    var pos = (sorted.length - 1) * q;
    var lo = Math.floor(pos);
    var hi = Math.ceil(pos);
    return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
  }

  function size(svg, height) {
    svg.setAttribute('viewBox', '0 0 ' + WIDTH + ' ' + height);
    svg.setAttribute('width', WIDTH);
    svg.setAttribute('height', height);
  }

  function legend(container, items) {
    items.forEach(function (item) {
      var span = html('span', {}, container, item.label);
      span.style.setProperty('--swatch', item.color);
    });
  }

  function summary() {
    var runs = data.runs;
    var finished = runs.filter(function (r) { return r.outcome !== null; });
    var approved = runs.filter(function (r) { return r.outcome === 'approved'; }).length;
    var seconds = finished.map(function (r) { return r.seconds; }).sort(function (a, b) { return a - b; });
    var tokens = runs.reduce(function (sum, r) { return sum + r.tokens; }, 0);
    var builds = finished.reduce(function (sum, r) { return sum + r.buildAttempts; }, 0);
    var cards = [
      [runs.length, 'requests'],
      [runs.length ? Math.round(100 * approved / runs.length) + '%' : '-', 'approved (' + approved + ')'],
      [seconds.length ? fmtMs(1000 * quantile(seconds, 0.5)) : '-', 'median time to outcome'],
      [finished.length ? (builds / finished.length).toFixed(1) : '-', 'BUILD attempts per request'],
      [tokens.toLocaleString('en-US'), 'tokens']
    ];
    var box = document.getElementById('summary');
    cards.forEach(function (c) {
      var card = html('div', { 'class': 'card' }, box);
      html('div', { 'class': 'value' }, card, c[0]);
      html('div', { 'class': 'label' }, card, c[1]);
    });
    document.getElementById('meta').textContent = runs.length + ' runs \u00b7 generated ' + data.generated;
  }

  function latency() {
    var svg = document.getElementById('latency-chart');
    var left = 110;
    var right = 150;
    var rowH = 46;
    var top = 10;
    var stages = data.stages.filter(function (s) { return attemptsOf(s).length > 0; });
    var all = [];
    stages.forEach(function (s) { attemptsOf(s).forEach(function (a) { all.push(Math.max(a.ms, 1)); }); });
    var height = top + stages.length * rowH + 34;
    size(svg, height);
    if (all.length === 0) { el('text', { x: 0, y: 20, 'class': 'muted' }, svg, 'No stage attempts in these traces.'); return; }
    var lo = Math.floor(Math.log10(Math.min.apply(null, all)));
    var hi = Math.max(lo + 1, Math.ceil(Math.log10(Math.max.apply(null, all))));
    function x(ms) { return left + (WIDTH - left - right) * (Math.log10(Math.max(ms, 1)) - lo) / (hi - lo); }

    var grid = el('g', { 'class': 'grid axis' }, svg);
    for (var d = lo; d <= hi; d++) {
      el('line', { x1: x(Math.pow(10, d)), x2: x(Math.pow(10, d)), y1: top, y2: top + stages.length * rowH }, grid);
      el('text', { x: x(Math.pow(10, d)), y: top + stages.length * rowH + 18, 'text-anchor': 'middle' }, grid, decade(d));
    }

    stages.forEach(function (stage, row) {
      var values = attemptsOf(stage);
      var sorted = values.map(function (a) { return a.ms; }).sort(function (a, b) { return a - b; });
      var y = top + row * rowH + rowH / 2;
      var color = stageColor(stage);
      var g = el('g', { 'class': 'stage-row', 'data-stage': stage }, svg);
      el('text', { x: 0, y: y + 4 }, g, stage);
      var q1 = quantile(sorted, 0.25);
      var med = quantile(sorted, 0.5);
      var q3 = quantile(sorted, 0.75);
      el('line', { 'class': 'whisker', x1: x(sorted[0]), x2: x(sorted[sorted.length - 1]), y1: y, y2: y }, g);
      el('line', { 'class': 'whisker', x1: x(sorted[0]), x2: x(sorted[0]), y1: y - 8, y2: y + 8 }, g);
      el('line', { 'class': 'whisker', x1: x(sorted[sorted.length - 1]), x2: x(sorted[sorted.length - 1]), y1: y - 8, y2: y + 8 }, g);
      tooltip(el('rect', { 'class': 'box', x: x(q1), y: y - 13, width: Math.max(x(q3) - x(q1), 2), height: 26, fill: color, stroke: color, rx: 3 }, g),
        stage + ': median ' + fmtMs(med) + ', middle half ' + fmtMs(q1) + ' to ' + fmtMs(q3) + ', ' + sorted.length + ' attempts');
      el('line', { 'class': 'median', x1: x(med), x2: x(med), y1: y - 13, y2: y + 13 }, g);
      values.forEach(function (a, i) {
        // A fixed vertical spread so overlapping attempts stay visible, the same on every render.
        var dy = ((i * 7) % 17) - 8;
        tooltip(el('circle', { 'class': a.ok ? 'dot' : 'dot failed', cx: x(a.ms), cy: y + dy, r: 3, fill: color }, g),
          a.run + ' ' + stage + ' #' + a.attempt + ': ' + fmtMs(a.ms) + cpuNote(a.cpuMs) + (a.ok ? '' : ' (eval failed)'));
      });
      el('text', { x: WIDTH - right + 12, y: y - 2, 'class': 'muted' }, g, 'median ' + fmtMs(med) + ' \u00b7 n=' + sorted.length);
      var cpu = values.filter(function (a) { return a.cpuMs !== null && a.cpuMs !== undefined; });
      if (cpu.length > 0) {
        var meanCpu = cpu.reduce(function (sum, a) { return sum + a.cpuMs; }, 0) / cpu.length;
        el('text', { x: WIDTH - right + 12, y: y + 12, 'class': 'muted cpu' }, g, 'cpu ' + fmtMs(meanCpu) + ' per attempt');
      }
    });
  }

  // The CPU of the processes an attempt ran (tools, git), beside its wall time; nothing for traces without it.
  function cpuNote(cpuMs) {
    return cpuMs === null || cpuMs === undefined ? '' : ' (cpu ' + fmtMs(cpuMs) + ')';
  }

  function attemptsOf(stage) {
    var list = [];
    data.runs.forEach(function (r) {
      r.attempts.forEach(function (a) {
        if (a.stage === stage) { list.push({ run: r.id, ms: a.ms, cpuMs: a.cpuMs, ok: a.ok, attempt: a.attempt }); }
      });
    });
    return list;
  }

  function timeline() {
    var svg = document.getElementById('timeline-chart');
    var runs = data.runs.slice(0, data.maxTimelineRows);
    var left = 300;
    var right = 40;
    var rowH = 20;
    var top = 4;
    var height = top + runs.length * rowH + 34;
    size(svg, height);
    legend(document.getElementById('stage-legend'), data.stages.map(function (s) { return { label: s, color: stageColor(s) }; }));
    if (data.runs.length > runs.length) {
      document.getElementById('timeline-note').textContent = 'Showing the first ' + runs.length + ' of ' + data.runs.length + ' requests.';
    }

    var defs = el('defs', {}, svg);
    data.stages.forEach(function (s, i) {
      var p = el('pattern', { id: 'hatch-' + i, width: 6, height: 6, patternUnits: 'userSpaceOnUse', patternTransform: 'rotate(45)' }, defs);
      el('rect', { width: 6, height: 6, fill: stageColor(s), 'fill-opacity': 0.35 }, p);
      el('line', { x1: 0, y1: 0, x2: 0, y2: 6, stroke: stageColor(s), 'stroke-width': 3 }, p);
    });

    var maxMs = 1;
    runs.forEach(function (r) {
      maxMs = Math.max(maxMs, r.seconds * 1000);
      r.attempts.forEach(function (a) { maxMs = Math.max(maxMs, a.start + a.ms); });
    });
    var span = niceCeiling(maxMs);
    function x(ms) { return left + (WIDTH - left - right) * ms / span; }

    var grid = el('g', { 'class': 'grid axis' }, svg);
    for (var t = 0; t <= 5; t++) {
      var ms = span * t / 5;
      el('line', { x1: x(ms), x2: x(ms), y1: top, y2: top + runs.length * rowH }, grid);
      el('text', { x: x(ms), y: top + runs.length * rowH + 18, 'text-anchor': 'middle' }, grid, t === 0 ? '0' : fmtMs(ms));
    }

    runs.forEach(function (r, row) {
      var y = top + row * rowH;
      var g = el('g', { 'class': 'run-row', 'data-run': r.id }, svg);
      if (row % 2 === 0) { el('rect', { 'class': 'row-band', x: 0, y: y, width: WIDTH, height: rowH }, g); }
      var label = r.id.length > 40 ? r.id.slice(0, 39) + '\u2026' : r.id;
      tooltip(el('text', { x: 0, y: y + 14 }, g, label), r.id);
      r.attempts.forEach(function (a) {
        var i = data.stages.indexOf(a.stage);
        var color = stageColor(a.stage);
        var bar = el('rect', {
          'class': a.ok ? 'attempt' : 'attempt failed', x: x(a.start), y: y + 3, width: Math.max(x(a.start + a.ms) - x(a.start), 1.5),
          height: rowH - 6, fill: a.ok ? color : 'url(#hatch-' + i + ')', stroke: color, rx: 2
        }, g);
        tooltip(bar, r.id + ' \u00b7 ' + a.stage + ' #' + a.attempt + ': ' + fmtMs(a.ms) + cpuNote(a.cpuMs) + (a.ok ? '' : ' (eval failed)') +
          (a.retries ? ', ' + a.retries + ' retries' : '') + (a.promptBytes ? ', prompt ' + a.promptBytes.toLocaleString('en-US') + ' bytes' : '') +
          (a.model ? ' \u00b7 ' + a.model : ''));
      });
      var outcome = outcomeOf(r);
      tooltip(el('circle', { 'class': 'outcome-dot', cx: x(r.seconds * 1000) + 8, cy: y + rowH / 2, r: 5, fill: OUTCOME_COLORS[outcome] || '#52606d' }, g),
        outcome + ' after ' + fmtMs(r.seconds * 1000) + (r.reason ? ': ' + r.reason : ''));
    });
  }

  function niceCeiling(ms) {
    var steps = [1, 2, 2.5, 5, 10];
    var base = Math.pow(10, Math.floor(Math.log10(ms)));
    for (var i = 0; i < steps.length; i++) { if (steps[i] * base >= ms) { return steps[i] * base; } }
    return 10 * base;
  }

  function barChart(svg, bars, width, groups) {
    // bars: [{group, series, value, color, label}], drawn as vertical bars grouped by stage.
    var left = 40;
    var top = 16;
    var plotH = 200;
    var height = top + plotH + 40;
    svg.setAttribute('viewBox', '0 0 ' + width + ' ' + height);
    svg.setAttribute('width', width);
    svg.setAttribute('height', height);
    var max = Math.max(1, Math.max.apply(null, bars.map(function (b) { return b.value; })));
    var groupW = (width - left) / groups.length;
    var perGroup = bars.length / groups.length;
    var barW = Math.min(28, (groupW - 16) / perGroup);
    var grid = el('g', { 'class': 'grid axis' }, svg);
    [0, 0.5, 1].forEach(function (f) {
      var v = Math.round(max * f);
      var y = top + plotH - plotH * v / max;
      el('line', { x1: left, x2: width, y1: y, y2: y }, grid);
      el('text', { x: left - 6, y: y + 4, 'text-anchor': 'end' }, grid, v);
    });
    groups.forEach(function (group, gi) {
      var inGroup = bars.filter(function (b) { return b.group === group; });
      var x0 = left + gi * groupW + (groupW - barW * inGroup.length) / 2;
      inGroup.forEach(function (b, bi) {
        var h = plotH * b.value / max;
        var x = x0 + bi * barW;
        tooltip(el('rect', { 'class': 'bar ' + b.series, x: x + 1, y: top + plotH - h, width: barW - 2, height: Math.max(h, 0), fill: b.color, rx: 2 }, svg),
          group + ': ' + b.value + ' ' + b.label);
        el('text', { x: x + barW / 2, y: top + plotH - h - 4, 'text-anchor': 'middle', 'class': 'muted' }, svg, b.value);
      });
      el('text', { x: left + gi * groupW + groupW / 2, y: top + plotH + 18, 'text-anchor': 'middle' }, svg, group);
    });
  }

  function retries() {
    var svg = document.getElementById('retries-chart');
    var bars = [];
    data.stages.forEach(function (stage) {
      var inside = 0;
      var repeats = 0;
      data.runs.forEach(function (r) {
        r.attempts.forEach(function (a) {
          if (a.stage !== stage) { return; }
          inside += a.retries;
          if (a.attempt > 1) { repeats += 1; }
        });
      });
      bars.push({ group: stage, series: 'retries', value: inside, color: '#486581', label: 'retries inside attempts' });
      bars.push({ group: stage, series: 'repeats', value: repeats, color: '#f0b429', label: 'repeat attempts' });
    });
    legend(document.getElementById('retry-legend'), [
      { label: 'retries inside attempts', color: '#486581' }, { label: 'repeat attempts', color: '#f0b429' }
    ]);
    barChart(svg, bars, 560, data.stages);
  }

  function promptSizes() {
    // BUILD's prompt size by attempt number: a retry should carry the regions it changed, not every file again.
    var sizes = {};
    data.runs.forEach(function (r) {
      r.attempts.forEach(function (a) {
        if (a.stage !== 'build' || a.promptBytes === null || a.promptBytes === undefined) { return; }
        (sizes[a.attempt] = sizes[a.attempt] || []).push(a.promptBytes);
      });
    });
    var attempts = Object.keys(sizes).map(Number).sort(function (a, b) { return a - b; });
    if (attempts.length === 0) { return; }
    document.getElementById('prompt-section').hidden = false;
    var groups = attempts.map(function (n) { return 'attempt ' + n; });
    var bars = [];
    attempts.forEach(function (n, i) {
      var values = sizes[n];
      var mean = Math.round(values.reduce(function (s, v) { return s + v; }, 0) / values.length);
      bars.push({ group: groups[i], series: 'mean', value: mean, color: '#486581', label: 'bytes, mean of ' + values.length });
      bars.push({ group: groups[i], series: 'max', value: Math.max.apply(null, values), color: '#9fb3c8', label: 'bytes, largest' });
    });
    legend(document.getElementById('prompt-legend'), [{ label: 'mean', color: '#486581' }, { label: 'largest', color: '#9fb3c8' }]);
    barChart(document.getElementById('prompt-chart'), bars, 560, groups);
  }

  function outcomes() {
    var svg = document.getElementById('outcomes-chart');
    var counts = {};
    data.runs.forEach(function (r) { var o = outcomeOf(r); counts[o] = (counts[o] || 0) + 1; });
    var names = OUTCOME_ORDER.filter(function (o) { return counts[o]; })
      .concat(Object.keys(counts).filter(function (o) { return OUTCOME_ORDER.indexOf(o) < 0; }).sort());
    var width = 560;
    var left = 170;
    var rowH = 30;
    var height = Math.max(1, names.length) * rowH + 10;
    svg.setAttribute('viewBox', '0 0 ' + width + ' ' + height);
    svg.setAttribute('width', width);
    svg.setAttribute('height', height);
    var max = Math.max(1, Math.max.apply(null, names.map(function (n) { return counts[n]; })));
    names.forEach(function (name, i) {
      var y = 5 + i * rowH;
      var w = (width - left - 60) * counts[name] / max;
      el('text', { x: left - 8, y: y + 18, 'text-anchor': 'end' }, svg, name.replace(/_/g, ' '));
      tooltip(el('rect', { 'class': 'bar outcome', 'data-outcome': name, x: left, y: y + 4, width: Math.max(w, 2), height: rowH - 8, fill: OUTCOME_COLORS[name] || '#52606d', rx: 3 }, svg),
        name + ': ' + counts[name]);
      var share = Math.round(100 * counts[name] / data.runs.length);
      el('text', { x: left + w + 6, y: y + 18, 'class': 'muted' }, svg, counts[name] + ' (' + share + '%)');
    });
  }

  function workers() {
    if (!data.workers || data.workers.length === 0) { return; }
    document.getElementById('workers-section').hidden = false;
    var body = document.querySelector('#workers tbody');
    data.workers.forEach(function (w) {
      var row = html('tr', {}, body);
      html('td', {}, row, w.name);
      html('td', {}, row, String(w.requests));
      html('td', {}, row, String(w.approved));
      html('td', {}, row, w.seconds.toFixed(1));
    });
  }

  function problems() {
    if (data.problems.length === 0) { return; }
    document.getElementById('problems-section').hidden = false;
    var list = document.getElementById('problems');
    data.problems.forEach(function (p) { html('li', {}, list, p); });
  }

  summary();
  latency();
  timeline();
  retries();
  promptSizes();
  outcomes();
  workers();
  problems();

  // Tests and tools wait for this: every chart was drawn.
  document.body.setAttribute('data-rendered', 'true');
})();
