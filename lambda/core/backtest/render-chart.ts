/** The series `renderBacktestChart` draws, one value per step. */
export interface BacktestChartData {
  readonly title: string;
  readonly start: number;
  readonly stepSeconds: number;
  readonly load: ArrayLike<number>;
  /** The planner's load forecast (NaN where it made none). */
  readonly forecast: ArrayLike<number>;
  /** Instances in service with the planner beside target tracking. */
  readonly plannedCapacity: ArrayLike<number>;
  /** Instances in service with target tracking alone. */
  readonly reactiveCapacity: ArrayLike<number>;
  /** Load one instance serves at 100%: capacities are drawn as the load they can serve. */
  readonly capacityPerInstance: number;
  /** Index from which the figures were scored (drawn as a marker). */
  readonly scoreFrom: number;
  /** Rows of the summary table, shown above the chart. */
  readonly table: readonly (readonly string[])[];
}

const WIDTH = 1200;
const HEIGHT = 420;
const PAD = { left: 70, right: 20, top: 20, bottom: 40 };
const MAX_POINTS = 2400;

/**
 * A self-contained HTML page (inline SVG, no script, no external resource) with the load, the
 * forecast and both capacities (as the load they serve at 100% utilization). Long series are
 * reduced to at most ~2,400 columns, keeping each column's maximum so peaks and bursts stay
 * visible.
 */
export function renderBacktestChart(d: BacktestChartData): string {
  const n = d.load.length;
  const bucket = Math.max(1, Math.ceil(n / MAX_POINTS));
  const columns = Math.ceil(n / bucket);
  const reduce = (x: ArrayLike<number>, scale = 1) => {
    const out = new Float64Array(columns);
    for (let c = 0; c < columns; c++) {
      let m = NaN;
      for (let i = c * bucket; i < Math.min(n, (c + 1) * bucket); i++) {
        const v = x[i] * scale;
        if (Number.isFinite(v) && !(v <= m)) m = v;
      }
      out[c] = m;
    }
    return out;
  };
  const series = [
    { name: 'load', color: '#444', width: 1, data: reduce(d.load) },
    { name: 'forecast', color: '#e67e22', width: 1.2, data: reduce(d.forecast) },
    { name: 'capacity, target tracking alone', color: '#c0392b', width: 1.2, data: reduce(d.reactiveCapacity, d.capacityPerInstance) },
    { name: 'capacity, planner + target tracking', color: '#2471a3', width: 1.6, data: reduce(d.plannedCapacity, d.capacityPerInstance) },
  ];
  let top = 0;
  for (const s of series) for (const v of s.data) if (Number.isFinite(v) && v > top) top = v;
  if (!(top > 0)) top = 1;
  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const x = (c: number) => PAD.left + (columns > 1 ? (c / (columns - 1)) * plotW : 0);
  const y = (v: number) => PAD.top + plotH - (v / top) * plotH;
  const paths = series.map((s) => {
    let dAttr = '';
    let pen = false;
    s.data.forEach((v, c) => {
      if (!Number.isFinite(v)) {
        pen = false;
        return;
      }
      dAttr += `${pen ? 'L' : 'M'}${x(c).toFixed(1)},${y(v).toFixed(1)}`;
      pen = true;
    });
    return `<path d="${dAttr}" fill="none" stroke="${s.color}" stroke-width="${s.width}"/>`;
  });
  const ticks: string[] = [];
  for (let k = 0; k <= 4; k++) {
    const v = (top * k) / 4;
    ticks.push(`<line x1="${PAD.left}" x2="${WIDTH - PAD.right}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#eee"/>`);
    ticks.push(`<text x="${PAD.left - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end">${formatNumber(v)}</text>`);
  }
  const days = (n * d.stepSeconds) / 86_400;
  const dayEvery = Math.max(1, Math.ceil(days / 15));
  for (let day = 0; day <= days; day += dayEvery) {
    const c = (day * 86_400) / d.stepSeconds / bucket;
    const label = new Date(d.start + day * 86_400_000).toISOString().slice(0, 10);
    ticks.push(`<line x1="${x(c).toFixed(1)}" x2="${x(c).toFixed(1)}" y1="${PAD.top}" y2="${PAD.top + plotH}" stroke="#f3f3f3"/>`);
    ticks.push(`<text x="${x(c).toFixed(1)}" y="${HEIGHT - 18}" text-anchor="middle">${label}</text>`);
  }
  const scoreX = x(d.scoreFrom / bucket).toFixed(1);
  const legend = series
    .map(
      (s, i) =>
        `<g transform="translate(${PAD.left + 10 + i * 270},${HEIGHT - 4})"><rect width="14" height="3" y="-4" fill="${s.color}"/><text x="20">${escapeHtml(s.name)}</text></g>`,
    )
    .join('');
  const table = d.table
    .map((row, i) => `<tr>${row.map((cell) => (i === 0 ? `<th>${escapeHtml(cell)}</th>` : `<td>${escapeHtml(cell)}</td>`)).join('')}</tr>`)
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(d.title)}</title>
<style>body{font:14px system-ui,sans-serif;margin:24px;color:#222}table{border-collapse:collapse;margin-bottom:16px}
td,th{border:1px solid #ccc;padding:4px 10px;text-align:right}th{background:#f6f6f6}svg text{font-size:11px;fill:#555}</style></head>
<body><h1>${escapeHtml(d.title)}</h1>
<table>
${table}
</table>
<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT + 10}" viewBox="0 0 ${WIDTH} ${HEIGHT + 10}" role="img" aria-label="load, forecast and capacity">
${ticks.join('\n')}
<line x1="${scoreX}" x2="${scoreX}" y1="${PAD.top}" y2="${PAD.top + plotH}" stroke="#999" stroke-dasharray="4 3"/>
<text x="${scoreX}" y="${PAD.top - 6}" text-anchor="middle">scored from here</text>
${paths.join('\n')}
${legend}
</svg>
<p>Capacities are drawn as the load the serving instances carry at 100% utilization. Columns show the maximum of ${bucket} step(s).</p>
</body></html>
`;
}

function formatNumber(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  return a >= 1e6 || a < 1e-2 ? v.toExponential(2) : v.toFixed(a >= 100 ? 0 : 2);
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
