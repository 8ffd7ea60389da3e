// Measures the report page as the browser laid it out, for ReportRenderingIT. It runs in a copy of
// the page (the page itself allows no script) and leaves its findings as JSON in <pre id="kitevend-probe">.
// - nothing is wider than the window (the page does not scroll sideways);
// - every text of every chart lies inside its chart, and no two texts of a chart overlap;
// - an axis (numbers right-aligned on one edge of a chart) never repeats a label, as an empty chart's 0 0 0 0 0 did;
// - an identifier (<code>: ARNs, reason codes, request ids) wraps only after a separator, never inside a word.
(function () {
  'use strict';
  var SEPARATORS = ':/_-.@#,=+ ';
  var problems = [];
  var checked = { charts: 0, texts: 0, axisLabels: 0, identifiers: 0, wrapped: 0 };
  var round = function (r) { return [r.left, r.right, r.top, r.bottom].map(Math.round).join(','); };
  var windowWidth = document.documentElement.clientWidth;
  var pageWidth = document.documentElement.scrollWidth;
  if (pageWidth > windowWidth + 1) {
    problems.push('the page is ' + pageWidth + ' px wide in a ' + windowWidth + ' px window');
  }
  document.querySelectorAll('svg').forEach(function (svg) {
    checked.charts++;
    var box = svg.getBoundingClientRect();
    if (box.left < -0.5 || box.right > windowWidth + 0.5) {
      problems.push(svg.id + ': the chart [' + round(box) + '] is not inside the ' + windowWidth + ' px window');
    }
    var texts = Array.prototype.slice.call(svg.querySelectorAll('text'));
    var boxes = texts.map(function (t) { return t.getBoundingClientRect(); });
    texts.forEach(function (t, i) {
      checked.texts++;
      var r = boxes[i];
      if (r.left < box.left - 0.5 || r.right > box.right + 0.5 || r.top < box.top - 0.5 || r.bottom > box.bottom + 0.5) {
        problems.push(svg.id + ': "' + t.textContent + '" [' + round(r) + '] is not inside its chart [' + round(box) + ']');
      }
      for (var j = i + 1; j < texts.length; j++) {
        var q = boxes[j];
        if (r.left < q.right - 0.5 && q.left < r.right - 0.5 && r.top < q.bottom - 0.5 && q.top < r.bottom - 0.5) {
          problems.push(svg.id + ': "' + t.textContent + '" overlaps "' + texts[j].textContent + '"');
        }
      }
    });
    var axes = {};
    texts.forEach(function (t, i) {
      var label = t.textContent.trim();
      if (window.getComputedStyle(t).textAnchor === 'end' && /^[0-9][0-9.,]*[kM]?$/.test(label)) {
        var edge = Math.round(boxes[i].right);
        (axes[edge] = axes[edge] || []).push(label);
      }
    });
    Object.keys(axes).forEach(function (edge) {
      var labels = axes[edge];
      checked.axisLabels += labels.length;
      if (new Set(labels).size < labels.length) {
        problems.push(svg.id + ': an axis repeats its labels: ' + labels.join(' '));
      }
    });
  });
  var range = document.createRange();
  document.querySelectorAll('code').forEach(function (code) {
    checked.identifiers++;
    var walker = document.createTreeWalker(code, NodeFilter.SHOW_TEXT);
    var previousTop = null;
    var previousChar = '';
    var lines = 1;
    for (var node = walker.nextNode(); node; node = walker.nextNode()) {
      for (var k = 0; k < node.data.length; k++) {
        range.setStart(node, k);
        range.setEnd(node, k + 1);
        var rects = range.getClientRects();
        if (rects.length === 0) {
          continue;
        }
        var top = rects[0].top;
        if (previousTop !== null && top > previousTop + 2) {
          lines++;
          if (SEPARATORS.indexOf(previousChar) < 0) {
            problems.push('"' + code.textContent + '" wraps inside a word, between "' + previousChar + '" and "'
                + node.data[k] + '"');
          }
        }
        previousTop = top;
        previousChar = node.data[k];
      }
    }
    if (lines > 1) {
      checked.wrapped++;
    }
  });
  var out = document.createElement('pre');
  out.id = 'kitevend-probe';
  out.textContent = JSON.stringify({
    problems: problems,
    checked: checked,
    width: windowWidth,
    height: document.documentElement.scrollHeight
  });
  document.body.appendChild(out);
})();
