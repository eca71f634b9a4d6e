// @ts-check
// A tiny SVG chart module (no library, nothing fetched): horizontal grouped bars, one group
// per category (a source, a stage, a person: long Thai names get a line of their own above
// their bars, so a phone shows them whole), and a line chart over months. Drawn at the
// container's real width (text stays at its size on a phone) and drawn again when that width
// changes. Colours come from insights.css by series index (.ins-s0 … .ins-s5); every bar and
// point carries a <title> with its figure, and the figure as a whole is described in words;
// the table under each chart holds the same figures for screen readers and copying.

const SVG = "http://www.w3.org/2000/svg";

/**
 * @typedef {{label: string, values: number[], text: string[]}} Series
 *   a series' name, its value per category (for drawing) and the same as shown (formatted)
 * @typedef {{kind: "bar" | "line", categories: string[], series: Series[], label: string,
 *            tick?: (n: number) => string}} ChartSpec
 */

/** An SVG element with attributes and children. */
function s(/** @type {string} */ tag, /** @type {Record<string, any>} */ attrs = {}, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== null && v !== undefined) el.setAttribute(k, String(v));
  for (const c of children.flat()) {
    if (c === null || c === undefined) continue;
    el.append(typeof c === "string" ? document.createTextNode(c) : c);
  }
  return el;
}

/** The scale's top: the smallest 1, 2, 2.5 or 5 × 10^k at or above `max` (1 when nothing). */
export function niceMax(/** @type {number} */ max) {
  if (!(max > 0) || !Number.isFinite(max)) return 1;
  const power = 10 ** Math.floor(Math.log10(max));
  for (const step of [1, 2, 2.5, 5, 10]) if (step * power >= max) return step * power;
  return 10 * power;
}

/** Evenly spaced ticks from 0 to `top` (five of them). */
export const ticksOf = (/** @type {number} */ top) => [0, 1, 2, 3, 4].map((i) => (top * i) / 4);

const LABEL_H = 18;   // a category's name line (bars)
const BAR_H = 14;     // one series' bar
const GAP = 10;       // between groups
const VALUE_W = 92;   // room for a bar's figure at its end

/**
 * Horizontal grouped bars: the layout in numbers, kept apart from drawing so it can be
 * checked without a DOM. Returns {height, bars: [{x, y, w, h, series, index}], labels: [{y}]}.
 * @param {ChartSpec} spec @param {number} width
 */
export function barLayout(spec, width) {
  const all = spec.series.flatMap((se) => se.values).filter((v) => Number.isFinite(v));
  const top = niceMax(Math.max(0, ...all));
  const room = Math.max(40, width - VALUE_W - 4);
  const groupH = LABEL_H + spec.series.length * BAR_H + GAP;
  const bars = [];
  const labels = [];
  spec.categories.forEach((_, i) => {
    const y0 = i * groupH;
    labels.push({ y: y0 + LABEL_H - 5 });
    spec.series.forEach((se, j) => {
      const v = Number.isFinite(se.values[i]) ? Math.max(0, se.values[i]) : 0;
      bars.push({ x: 0, y: y0 + LABEL_H + j * BAR_H, w: Math.round((v / top) * room * 10) / 10,
                  h: BAR_H - 3, series: j, index: i });
    });
  });
  return { height: Math.max(groupH * spec.categories.length, 20), bars, labels };
}

/** @param {ChartSpec} spec @param {number} width */
function drawBars(spec, width) {
  const { height, bars, labels } = barLayout(spec, width);
  const svg = s("svg", { width, height, viewBox: `0 0 ${width} ${height}`, class: "ins-chart ins-bars" });
  labels.forEach((l, i) => svg.append(s("text", { x: 0, y: l.y, class: "ins-cat" }, spec.categories[i])));
  for (const b of bars) {
    const se = spec.series[b.series];
    const title = `${spec.categories[b.index]} · ${se.label}: ${se.text[b.index]}`;
    svg.append(s("rect", { x: b.x, y: b.y, width: Math.max(b.w, 1), height: b.h, rx: 2,
                           class: `ins-s${b.series % 6}` }, s("title", {}, title)));
    svg.append(s("text", { x: b.w + 4, y: b.y + b.h - 2, class: "ins-val" }, se.text[b.index]));
  }
  return svg;
}

/** @param {ChartSpec} spec @param {number} width */
function drawLine(spec, width) {
  const height = 220;
  const pad = { left: 64, right: 12, top: 12, bottom: 40 };
  const all = spec.series.flatMap((se) => se.values).filter((v) => Number.isFinite(v));
  const top = niceMax(Math.max(0, ...all));
  const w = Math.max(60, width - pad.left - pad.right);
  const h = height - pad.top - pad.bottom;
  const n = spec.categories.length;
  const x = (/** @type {number} */ i) => pad.left + (n > 1 ? (i * w) / (n - 1) : w / 2);
  const y = (/** @type {number} */ v) => pad.top + h - (Math.max(0, v) / top) * h;
  const svg = s("svg", { width, height, viewBox: `0 0 ${width} ${height}`, class: "ins-chart ins-line" });
  const tick = spec.tick || ((/** @type {number} */ v) => String(v));
  for (const v of ticksOf(top)) {
    svg.append(s("line", { x1: pad.left, x2: pad.left + w, y1: y(v), y2: y(v), class: "ins-grid" }));
    svg.append(s("text", { x: pad.left - 6, y: y(v) + 4, class: "ins-tick", "text-anchor": "end" }, tick(v)));
  }
  // Month names under the axis: every one when they fit, else every k-th.
  const every = Math.max(1, Math.ceil((n * 64) / w));
  spec.categories.forEach((c, i) => {
    if (i % every === 0 || i === n - 1) {
      svg.append(s("text", { x: x(i), y: height - pad.bottom + 18, class: "ins-tick", "text-anchor": "middle" }, c));
    }
  });
  spec.series.forEach((se, j) => {
    const points = se.values.map((v, i) => `${x(i).toFixed(1)},${y(Number.isFinite(v) ? v : 0).toFixed(1)}`);
    svg.append(s("polyline", { points: points.join(" "), class: `ins-l ins-s${j % 6}`, fill: "none" }));
    se.values.forEach((v, i) => svg.append(s("circle", {
      cx: x(i).toFixed(1), cy: y(Number.isFinite(v) ? v : 0).toFixed(1), r: 4, class: `ins-s${j % 6}` },
      s("title", {}, `${spec.categories[i]} · ${se.label}: ${se.text[i]}`))));
  });
  return svg;
}

/**
 * Draw `spec` into `host` (an element already in the page) and keep it at the host's width.
 * Returns a function that stops following the width.
 * @param {HTMLElement} host @param {ChartSpec} spec
 */
export function drawChart(host, spec) {
  const legend = document.createElement("ul");
  legend.className = "ins-legend";
  spec.series.forEach((se, j) => {
    const li = document.createElement("li");
    li.append(s("svg", { width: 12, height: 12, "aria-hidden": "true" },
      s("rect", { width: 12, height: 12, rx: 2, class: `ins-s${j % 6}` })), document.createTextNode(se.label));
    legend.append(li);
  });
  const box = document.createElement("div");
  box.className = "ins-chart-box";
  box.setAttribute("role", "img");
  box.setAttribute("aria-label", spec.label);
  let drawn = 0;
  const draw = () => {
    const width = Math.max(240, Math.floor(host.clientWidth || 600));
    if (width === drawn) return;
    drawn = width;
    box.replaceChildren(spec.kind === "line" ? drawLine(spec, width) : drawBars(spec, width));
  };
  host.replaceChildren(spec.series.length > 1 ? legend : "", box);
  draw();
  if (typeof ResizeObserver !== "function") return () => {};
  const watch = new ResizeObserver(() => draw());
  watch.observe(host);
  return () => watch.disconnect();
}
