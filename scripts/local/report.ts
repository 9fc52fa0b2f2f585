/**
 * The local run's report: the decision table printed to the terminal (and written in full as
 * CSV), summary figures, and a self-contained HTML chart (inline SVG, no scripts, no CDN) of the
 * load, the forecast and the capacity. Pure: no AWS imports.
 */
import type { DecisionRow, MinutePoint } from './simulate';

/** What the chart and summary need to know about the group. */
export interface ReportContext {
  readonly stackName: string;
  readonly groupName: string;
  /** Load one instance serves per minute at 100% utilization. */
  readonly capacityPerInstance: number;
  readonly targetUtilization: number;
  readonly traceLabel: string;
  /** Lines about the deploy and the resources created locally, shown under the chart. */
  readonly notes?: readonly string[];
  /** The same minutes with target tracking alone, drawn and tabulated beside the scalers' run. */
  readonly comparison?: Comparison;
}

/** One run's figures over the simulated minutes, from the core group model's totals. */
export interface RunFigures {
  readonly minutes: number;
  readonly overloadedMinutes: number;
  /** Share of the load above what the instances in service could carry. */
  readonly unservedShare: number;
  /** Instance-hours paid, launching instances included. */
  readonly instanceHours: number;
  /** instanceHours x the instance type's on-demand price. */
  readonly costUsd: number;
}

/** The scalers' run against target tracking alone on the same minutes. */
export interface Comparison {
  readonly scalers: RunFigures;
  readonly alone: RunFigures;
  /** Instances in service each minute with target tracking alone. */
  readonly aloneInService: ArrayLike<number>;
  readonly instanceType: string;
  readonly pricePerHour: number;
}

/** A run's figures from the group model's totals (see lambda/core/backtest/group-model.ts). */
export function runFigures(
  t: { instanceSteps: number; unservedLoad: number; totalLoad: number; overloadSteps: number },
  minutes: number,
  pricePerHour: number,
): RunFigures {
  const instanceHours = t.instanceSteps / 60;
  return {
    minutes,
    overloadedMinutes: t.overloadSteps,
    unservedShare: t.totalLoad > 0 ? t.unservedLoad / t.totalLoad : 0,
    instanceHours,
    costUsd: instanceHours * pricePerHour,
  };
}

/** A share as a percentage; a small nonzero share is not printed as 0.00%. */
const pct2 = (x: number) => (x > 0 && x < 0.00005 ? '< 0.01%' : `${(x * 100).toFixed(2)}%`);
const minutes = (n: number) => `${n} minute${n === 1 ? '' : 's'}`;
const usd = (x: number) => `$${x.toFixed(2)}`;

/** The comparison as rows: figure, the scalers, target tracking alone. */
export function comparisonRows(c: Comparison): string[][] {
  return [
    ['', 'the scalers + target tracking', 'target tracking alone'],
    ['load unserved', pct2(c.scalers.unservedShare), pct2(c.alone.unservedShare)],
    ['minutes over capacity', `${c.scalers.overloadedMinutes} of ${c.scalers.minutes}`, `${c.alone.overloadedMinutes} of ${c.alone.minutes}`],
    ['instance-hours', c.scalers.instanceHours.toFixed(1), c.alone.instanceHours.toFixed(1)],
    [`cost (${c.instanceType} at $${c.pricePerHour}/h)`, usd(c.scalers.costUsd), usd(c.alone.costUsd)],
  ];
}

/** A fixed-width text table of rows whose first row is the header. */
export function formatColumns(rows: readonly (readonly string[])[]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows
    .map((r) =>
      r
        .map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i])))
        .join('   ')
        .trimEnd(),
    )
    .join('\n');
}

/** One sentence: what the scalers bought on this trace against target tracking alone. */
export function verdict(c: Comparison): string {
  const a = c.alone;
  const s = c.scalers;
  const loadDiff = (a.unservedShare - s.unservedShare) * 100;
  const hoursDiff = a.instanceHours - s.instanceHours;
  const load =
    Math.abs(loadDiff) < 0.005
      ? `left the same share of the load unserved (${pct2(s.unservedShare)})`
      : loadDiff > 0
        ? `left ${pct2(s.unservedShare)} of the load unserved against ${pct2(a.unservedShare)} with target tracking alone (${minutes(s.overloadedMinutes)} over capacity against ${a.overloadedMinutes})`
        : `left more of the load unserved, ${pct2(s.unservedShare)} against ${pct2(a.unservedShare)} with target tracking alone (${minutes(s.overloadedMinutes)} over capacity against ${a.overloadedMinutes})`;
  const hours =
    Math.abs(hoursDiff) < 0.05
      ? `on the same ${s.instanceHours.toFixed(1)} instance-hours`
      : hoursDiff > 0
        ? `on ${s.instanceHours.toFixed(1)} instance-hours instead of ${a.instanceHours.toFixed(1)} (${usd(a.costUsd - s.costUsd)} less)`
        : `on ${s.instanceHours.toFixed(1)} instance-hours instead of ${a.instanceHours.toFixed(1)} (${usd(s.costUsd - a.costUsd)} more)`;
  return `On this trace the scalers ${load}, ${hours}.`;
}

/** Figures over the simulated minutes. */
export interface Summary {
  readonly minutes: number;
  /** Minutes whose load exceeded what the instances in service serve at 100% utilization. */
  readonly overloadedMinutes: number;
  /** Share of the load above that capacity. */
  readonly unservedShare: number;
  readonly instanceHours: number;
  /** Sum |forecast - load| / sum load over minutes with a forecast (NaN when none). */
  readonly forecastWape: number;
  readonly forecastMinutes: number;
  readonly peakDesired: number;
  readonly scaleChanges: number;
}

export function summarize(points: readonly MinutePoint[], capacityPerInstance: number): Summary {
  let overloaded = 0;
  let unserved = 0;
  let total = 0;
  let instMin = 0;
  let errSum = 0;
  let fLoad = 0;
  let fMinutes = 0;
  let peak = 0;
  let changes = 0;
  points.forEach((p, i) => {
    if (!Number.isFinite(p.load)) return;
    const cap = p.inService * capacityPerInstance;
    total += p.load;
    if (p.load > cap) {
      overloaded++;
      unserved += p.load - cap;
    }
    instMin += p.inService + p.launching;
    peak = Math.max(peak, p.group.desired);
    if (i > 0 && points[i - 1].group.desired !== p.group.desired) changes++;
    if (p.forecast !== undefined && Number.isFinite(p.forecast)) {
      errSum += Math.abs(p.forecast - p.load);
      fLoad += p.load;
      fMinutes++;
    }
  });
  return {
    minutes: points.length,
    overloadedMinutes: overloaded,
    unservedShare: total > 0 ? unserved / total : 0,
    instanceHours: instMin / 60,
    forecastWape: fLoad > 0 ? errSum / fLoad : NaN,
    forecastMinutes: fMinutes,
    peakDesired: peak,
    scaleChanges: changes,
  };
}

const fmt = (v: number | undefined, digits = 0) => (v === undefined || !Number.isFinite(v) ? '-' : v.toFixed(digits));
const time = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace('T', ' ');

const COLUMNS = ['simulated time (UTC)', 'scaler', 'load/min', 'forecast', 'planned', 'desired', 'min', 'max', 'action'];

function cells(r: DecisionRow): string[] {
  return [
    time(r.at),
    r.scaler,
    fmt(r.load),
    fmt(r.forecast),
    fmt(r.planned),
    String(r.group.desired),
    String(r.group.min),
    String(r.group.max),
    r.error ? `ERROR ${r.error}` : r.action,
  ];
}

/** A fixed-width text table of the rows. */
export function formatTable(rows: readonly DecisionRow[]): string {
  const body = rows.map(cells);
  const widths = COLUMNS.map((c, i) => Math.max(c.length, ...body.map((r) => r[i].length)));
  widths[widths.length - 1] = Math.min(widths[widths.length - 1], 90);
  const line = (r: string[]) =>
    r
      .map((c, i) => (i >= 2 && i <= 7 ? c.padStart(widths[i]) : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(COLUMNS), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

/**
 * The rows worth printing: every run that changed the group's capacity settings (desired, min,
 * max) or failed, and the first run of each hour, so a day of five-minute runs fits on a screen.
 */
export function selectRows(rows: readonly DecisionRow[]): DecisionRow[] {
  return rows.filter((r) => r.error !== undefined || r.capacityChanged || new Date(r.at).getUTCMinutes() === 0);
}

const csvCell = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

/** All rows as CSV. */
export function toCsv(rows: readonly DecisionRow[]): string {
  const head = ['time', 'scaler', 'load', 'forecast', 'planned', 'desired', 'min', 'max', 'action', 'error'];
  return (
    [
      head.join(','),
      ...rows.map((r) =>
        [
          new Date(r.at).toISOString(),
          r.scaler,
          fmt(r.load, 2),
          fmt(r.forecast, 2),
          fmt(r.planned, 2),
          r.group.desired,
          r.group.min,
          r.group.max,
          r.action,
          r.error ?? '',
        ]
          .map((v) => csvCell(String(v)))
          .join(','),
      ),
    ].join('\n') + '\n'
  );
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

interface Series {
  label: string;
  color: string;
  values: Array<number | undefined>;
  step?: boolean;
  dash?: string;
  width?: number;
}

function panel(
  x0: number,
  y0: number,
  w: number,
  h: number,
  start: number,
  end: number,
  ts: readonly number[],
  series: Series[],
  yLabel: string,
  integerTicks: boolean,
): string {
  let yMax = 0;
  for (const s of series) for (const v of s.values) if (v !== undefined && Number.isFinite(v)) yMax = Math.max(yMax, v);
  yMax = yMax <= 0 ? 1 : yMax * 1.08;
  const rawStep = yMax / 5;
  const mag = 10 ** Math.floor(Math.log10(rawStep));
  let tick = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((t) => t >= rawStep) ?? rawStep;
  if (integerTicks) tick = Math.max(1, Math.ceil(tick));
  yMax = Math.ceil(yMax / tick) * tick;
  const X = (t: number) => x0 + ((t - start) / (end - start)) * w;
  const Y = (v: number) => y0 + h - (v / yMax) * h;
  const out: string[] = [];
  for (let v = 0; v <= yMax + 1e-9; v += tick) {
    out.push(`<line x1="${x0}" x2="${x0 + w}" y1="${Y(v).toFixed(1)}" y2="${Y(v).toFixed(1)}" stroke="#e5e7eb"/>`);
    out.push(`<text x="${x0 - 6}" y="${(Y(v) + 4).toFixed(1)}" text-anchor="end" class="tick">${Number(v.toFixed(2))}</text>`);
  }
  const hour = 3_600_000;
  const every = end - start > 2 * 86_400_000 ? 12 * hour : end - start > 12 * hour ? 3 * hour : hour;
  for (let t = Math.ceil(start / every) * every; t <= end; t += every) {
    out.push(`<line x1="${X(t).toFixed(1)}" x2="${X(t).toFixed(1)}" y1="${y0}" y2="${y0 + h}" stroke="#f1f5f9"/>`);
    out.push(
      `<text x="${X(t).toFixed(1)}" y="${y0 + h + 16}" text-anchor="middle" class="tick">${new Date(t).toISOString().slice(5, 16).replace('T', ' ')}</text>`,
    );
  }
  out.push(`<rect x="${x0}" y="${y0}" width="${w}" height="${h}" fill="none" stroke="#94a3b8"/>`);
  out.push(
    `<text x="${x0 - 44}" y="${y0 + h / 2}" transform="rotate(-90 ${x0 - 44} ${y0 + h / 2})" text-anchor="middle" class="axis">${esc(yLabel)}</text>`,
  );
  for (const s of series) {
    const segs: string[] = [];
    let cur = '';
    s.values.forEach((v, i) => {
      if (v === undefined || !Number.isFinite(v)) {
        if (cur) segs.push(cur);
        cur = '';
        return;
      }
      const x = X(ts[i]).toFixed(1);
      const y = Y(v).toFixed(1);
      if (!cur) cur = `M${x},${y}`;
      else if (s.step) cur += `H${x}V${y}`;
      else cur += `L${x},${y}`;
    });
    if (cur) segs.push(cur);
    for (const d of segs) {
      out.push(`<path d="${d}" fill="none" stroke="${s.color}" stroke-width="${s.width ?? 1.2}"${s.dash ? ` stroke-dasharray="${s.dash}"` : ''}/>`);
    }
  }
  return out.join('\n');
}

/** A number for a label: at most 4 significant digits, no trailing zeros. */
export function shortNumber(v: number): string {
  return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(4)));
}

function legend(x: number, y: number, series: Series[]): string {
  let lx = x;
  return series
    .map((s) => {
      const at = lx;
      lx += 50 + s.label.length * 6.6;
      return (
        `<line x1="${at}" x2="${at + 24}" y1="${y}" y2="${y}" stroke="${s.color}" stroke-width="${Math.max(2, s.width ?? 1.2)}"${s.dash ? ` stroke-dasharray="${s.dash}"` : ''}/>` +
        `<text x="${at + 30}" y="${y + 4}" class="legend">${esc(s.label)}</text>`
      );
    })
    .join('\n');
}

/** The self-contained HTML page. */
export function renderChart(points: readonly MinutePoint[], rows: readonly DecisionRow[], ctx: ReportContext): string {
  const s = summarize(points, ctx.capacityPerInstance);
  const ts = points.map((p) => p.at);
  const start = ts[0] ?? 0;
  const end = (ts[ts.length - 1] ?? 1) + 60_000;
  const alone = ctx.comparison?.aloneInService;
  const loadSeries: Series[] = [
    { label: 'load', color: '#2563eb', values: points.map((p) => p.load), width: 1 },
    { label: 'forecast (made before the minute)', color: '#f97316', values: points.map((p) => p.forecast), width: 1.4 },
    {
      label: `capacity: in service x ${shortNumber(ctx.capacityPerInstance)}`,
      color: '#16a34a',
      values: points.map((p) => p.inService * ctx.capacityPerInstance),
      step: true,
      width: 2,
    },
    {
      label: `at target ${Math.round(ctx.targetUtilization * 100)}% utilization`,
      color: '#16a34a',
      values: points.map((p) => p.inService * ctx.capacityPerInstance * ctx.targetUtilization),
      step: true,
      dash: '4 3',
      width: 1,
    },
    ...(alone
      ? [
          {
            label: 'capacity, target tracking alone',
            color: '#dc2626',
            values: points.map((_, i) => alone[i] * ctx.capacityPerInstance),
            step: true,
            width: 1.4,
          },
        ]
      : []),
  ];
  const capSeries: Series[] = [
    { label: 'in service', color: '#16a34a', values: points.map((p) => p.inService), step: true, width: 2 },
    { label: 'desired capacity', color: '#0f766e', values: points.map((p) => p.group.desired), step: true, dash: '3 2', width: 1.2 },
    { label: 'planned capacity', color: '#f97316', values: points.map((p) => p.planned), step: true, dash: '5 3', width: 1.4 },
    { label: 'MinSize', color: '#7c3aed', values: points.map((p) => p.group.min), step: true, dash: '2 3', width: 1.4 },
    { label: 'MaxSize', color: '#64748b', values: points.map((p) => p.group.max), step: true, dash: '8 4', width: 1.2 },
    ...(alone
      ? [{ label: 'in service, target tracking alone', color: '#dc2626', values: points.map((_, i) => alone[i]), step: true, width: 1.4 }]
      : []),
  ];
  const W = 1200;
  const x0 = 80;
  const w = W - x0 - 30;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="700" viewBox="0 0 ${W} 700" role="img" aria-label="load, forecast and capacity">
<style>.tick{font:11px sans-serif;fill:#475569}.axis{font:12px sans-serif;fill:#1e293b}.legend{font:12px sans-serif;fill:#1e293b}.title{font:bold 13px sans-serif;fill:#0f172a}</style>
<text x="${x0}" y="22" class="title">Load, forecast and the capacity the group had (requests per minute)</text>
${legend(x0, 42, loadSeries)}
${panel(x0, 56, w, 330, start, end, ts, loadSeries, 'requests per minute', false)}
<text x="${x0}" y="440" class="title">Instances: in service (the group model), desired capacity read back from the emulator, the scaler's plan, the group's bounds</text>
${legend(x0, 460, capSeries)}
${panel(x0, 474, w, 190, start, end, ts, capSeries, 'instances', true)}
</svg>`;
  const errors = rows.filter((r) => r.error).length;
  const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
  const figures: Array<[string, string]> = [
    ['simulated', `${time(start)} to ${time(end)} UTC (${s.minutes} minutes)`],
    ['scaler runs', `${rows.length} (${errors} failed)`],
    ['forecast error (WAPE)', Number.isNaN(s.forecastWape) ? 'no forecast published' : `${pct(s.forecastWape)} over ${s.forecastMinutes} minutes`],
    ['minutes over capacity', `${s.overloadedMinutes} of ${s.minutes}; load above capacity ${pct(s.unservedShare)}`],
    ['instance-hours', s.instanceHours.toFixed(1)],
    ['desired capacity', `peak ${s.peakDesired}, changed ${s.scaleChanges} times`],
  ];
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(ctx.stackName)}: local run</title>
<style>body{font:14px/1.45 system-ui,sans-serif;margin:24px;color:#0f172a;max-width:1220px}h1{font-size:20px;margin:0 0 4px}
.sub{color:#475569;margin:0 0 12px}table{border-collapse:collapse;margin:8px 0 16px}td{padding:2px 14px 2px 0;vertical-align:top}td:first-child{color:#475569}
ul{color:#475569;font-size:13px}.cmp td,.cmp th{padding:2px 14px;text-align:right}.cmp td:first-child,.cmp th:first-child{text-align:left}</style></head>
<body>
<h1>${esc(ctx.stackName)} on the local emulator: predictive scaling of ${esc(ctx.groupName)}</h1>
<p class="sub">Trace: ${esc(ctx.traceLabel)}. One instance serves ${shortNumber(ctx.capacityPerInstance)} requests per minute at 100% utilization; the group runs at ${Math.round(ctx.targetUtilization * 100)}%.</p>
<table>${figures.map(([k, v]) => `<tr><td>${esc(k)}</td><td>${esc(v)}</td></tr>`).join('')}</table>
${
  ctx.comparison
    ? `<h2 style="font-size:16px;margin:8px 0 0">The same minutes with target tracking alone</h2>
<table class="cmp">${comparisonRows(ctx.comparison)
        .map((r, i) => `<tr>${r.map((c) => (i === 0 ? `<th>${esc(c)}</th>` : `<td>${esc(c)}</td>`)).join('')}</tr>`)
        .join('')}</table>
<p><b>${esc(verdict(ctx.comparison))}</b></p>`
    : ''
}
${svg}
${ctx.notes?.length ? `<ul>${ctx.notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>` : ''}
</body></html>
`;
}
