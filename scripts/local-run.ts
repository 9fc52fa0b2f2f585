/**
 * `npm start`: the whole architecture on a local AWS emulator, no AWS account and no Docker.
 *
 * 1. starts moto_server on a free loopback port (or --port);
 * 2. synthesizes the dev stack for local use, bootstraps and deploys it with the real CDK CLI
 *    (`cdk deploy --method=direct`), then creates through the service APIs what the emulator's
 *    CloudFormation skips (alarms, budget, scaling policies...) and reports what it could not;
 * 3. replays the history of a real trace (data/, or --trace) into CloudWatch as the load metric
 *    the predictive scaler reads, on a simulated clock whose "now" is the end of the history;
 * 4. advances the clock minute by minute for --days simulated days: runs the group's due scheduled
 *    actions (the emulator stores them but never runs them) and evaluates its target tracking
 *    policies on modelled metrics (the emulator never evaluates alarms), the predictive-scaler handler
 *    in-process every 5 simulated minutes and the cost optimizer every hour, with the deployed
 *    functions' environment, and appends each minute's load to CloudWatch;
 * 5. replays the same minutes through the same group model (lambda/core/backtest) with target
 *    tracking alone (the group's own policies and bounds, no predictive scaler, no optimizer);
 * 6. prints the decision table and both runs side by side, ending with one sentence on what the
 *    scalers bought, and writes a self-contained HTML chart of both, whose path it prints last.
 *
 * The emulator is stopped on every exit path (success, error, Ctrl-C / SIGTERM).
 *
 *   npm start -- [--trace FILE.csv] [--trace-time-zone TZ] [--days N] [--history-days N] [--port N]
 *                [--scale auto|FACTOR] [--mode forecast-and-scale|forecast-only|deployed] [--stack NAME] [--out DIR]
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import * as cliProgress from 'cli-progress';
import { simulateGroup } from '../lambda/core/backtest/simulate-group';
import { METRIC } from '../lambda/predictive-scaler/telemetry';
import { startLocalEmulator } from './local/emulator';
import {
  DEV_STACK,
  deployLocal,
  findDeployedFunctions,
  type LocalDeployment,
  loadHandler,
  loadMetricOf,
  percentile,
  placeTrace,
} from './local/pipeline';
import { stopChildren } from './local/process';
import { putTraceRange } from './local/replay';
import { ON_DEMAND_USD_PER_HOUR, readInstanceType } from './local/cost';
import {
  type Comparison,
  comparisonRows,
  formatColumns,
  formatTable,
  renderChart,
  runFigures,
  selectRows,
  shortNumber,
  summarize,
  toCsv,
  verdict,
} from './local/report';
import { type GroupCapacity, readGroup, type ScalerSchedule, simulate } from './local/simulate';
import { readTrackedPolicies } from './local/target-tracking';
import { readTrace } from './local/trace';
import { MOTO_INSTALL_HINT, motoAvailable, type MotoServer } from './moto-server';

const PROJECT_DIR = path.resolve(__dirname, '..');
const DEFAULT_TRACE = path.join(PROJECT_DIR, 'data', 'nasa-http-1995-10d.csv');
/** The shipped trace is US traffic (NASA Kennedy Space Center's web server). */
const DEFAULT_TRACE_TIME_ZONE = 'America/New_York';
const SCALER_VARS = ['AUTO_SCALING_GROUP_NAME', 'LOAD_METRIC_NAMESPACE', 'LOAD_METRIC_NAME', 'CAPACITY_PER_INSTANCE'];
const COST_VARS = ['AUTO_SCALING_GROUP_NAME', 'BUDGET_NAME'];
const MODES = ['forecast-and-scale', 'forecast-only', 'deployed'] as const;

const USAGE = `Usage: npm start -- [options]
  --trace FILE.csv     load trace to replay, 'timestamp,value' one row per minute (default: data/nasa-http-1995-10d.csv)
  --trace-time-zone TZ the IANA time zone of the trace's traffic; the replay moves it so that its local clock is the
                       stack's (the time zone of the cost optimizer's working hours). Default: ${DEFAULT_TRACE_TIME_ZONE} for
                       the shipped trace; for --trace, the stack's own (no move)
  --days N             simulated days the scalers run (default 1)
  --history-days N     days of history replayed before them (default: the rest of the trace, at most 13)
  --port N             port of the local emulator (default: a free port)
  --scale auto|F       multiply the trace's values by F; auto: its 99th percentile needs 80% of the group's MaxSize (default auto)
  --mode M             SCALING_MODE the predictive scaler runs with: forecast-and-scale (default), forecast-only, or deployed
  --stack NAME         stack to deploy (default ${DEV_STACK})
  --out DIR            where the chart, the decision CSV, the handler logs and the CDK output go (default .local-run)`;

export interface Options {
  trace: string;
  traceTimeZone?: string;
  days: number;
  historyDays?: number;
  port?: number;
  scale: 'auto' | number;
  mode: (typeof MODES)[number];
  stack: string;
  out: string;
  /** The app to synthesize (see DeployLocalOptions.appEntry). */
  appEntry?: string;
}

export function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      trace: { type: 'string' },
      'trace-time-zone': { type: 'string' },
      days: { type: 'string' },
      'history-days': { type: 'string' },
      port: { type: 'string' },
      scale: { type: 'string' },
      mode: { type: 'string' },
      stack: { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const num = (name: string, raw: string | undefined, check: (n: number) => boolean, what: string): number | undefined => {
    if (raw === undefined) return undefined;
    const n = Number(raw);
    if (!Number.isFinite(n) || !check(n)) throw new UsageError(`--${name} must be ${what}, got '${raw}'`);
    return n;
  };
  const mode = (values.mode ?? 'forecast-and-scale') as Options['mode'];
  if (!MODES.includes(mode)) throw new UsageError(`--mode must be one of ${MODES.join(', ')}, got '${values.mode}'`);
  const scaleRaw = values.scale ?? 'auto';
  const traceTimeZone = values['trace-time-zone'] ?? (values.trace === undefined ? DEFAULT_TRACE_TIME_ZONE : undefined);
  if (traceTimeZone !== undefined) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: traceTimeZone });
    } catch {
      throw new UsageError(`--trace-time-zone must be an IANA time zone such as America/New_York, got '${traceTimeZone}'`);
    }
  }
  return {
    trace: path.resolve(values.trace ?? DEFAULT_TRACE),
    traceTimeZone,
    days: num('days', values.days, (n) => n > 0 && n <= 7, 'a number of days in (0, 7]') ?? 1,
    historyDays: num('history-days', values['history-days'], (n) => n >= 1 && n <= 13, 'a number of days in [1, 13]'),
    port: num('port', values.port, (n) => Number.isInteger(n) && n > 0 && n < 65536, 'a TCP port'),
    scale: scaleRaw === 'auto' ? 'auto' : num('scale', scaleRaw, (n) => n > 0, "a positive number or 'auto'")!,
    mode,
    stack: values.stack ?? DEV_STACK,
    out: path.resolve(values.out ?? path.join(PROJECT_DIR, '.local-run')),
  };
}

class UsageError extends Error {}

/** The time zone of the cost optimizer's working hours (its WORKING_HOURS variable), if any. */
function workingHoursTimeZone(env: Record<string, string> | undefined): string | undefined {
  if (!env?.WORKING_HOURS) return undefined;
  try {
    return (JSON.parse(env.WORKING_HOURS) as { timeZone?: string }).timeZone ?? 'UTC';
  } catch {
    return undefined;
  }
}

/** Progress bars write straight to the terminal: the handlers' own output is captured meanwhile. */
function barStream(): NodeJS.WritableStream {
  const s = new Writable({
    write(chunk, _enc, cb) {
      fs.writeSync(2, chunk as Buffer);
      cb();
    },
  }) as Writable & { isTTY?: boolean; columns?: number };
  s.isTTY = process.stderr.isTTY;
  s.columns = process.stderr.columns;
  return s;
}

function progressBar(label: string): cliProgress.SingleBar {
  return new cliProgress.SingleBar(
    {
      format: `${label.padEnd(24)} [{bar}] {percentage}% | {value}/{total} {unit} | {eta_formatted} left`,
      stream: barStream(),
      hideCursor: true,
      noTTYOutput: !process.stderr.isTTY,
      notTTYSchedule: 10_000,
      etaBuffer: 200,
    },
    cliProgress.Presets.shades_classic,
  );
}

const step = (msg: string) => console.log(`\n== ${msg}`);
const secs = (s: number) => `${s.toFixed(1)} s`;

function printDeployment(d: LocalDeployment): void {
  console.log(
    `deployed ${d.stack.stackName} in ${d.env.AWS_REGION}: ${Object.keys(d.stack.physicalIds).length} resources in the emulator's stack ` +
      `(synth ${secs(d.seconds.synth)}, bootstrap ${secs(d.seconds.bootstrap)}, deploy ${secs(d.seconds.deploy)})`,
  );
  const created = d.created.filter((r) => r.created);
  const failed = d.created.filter((r) => r.error);
  const byType = new Map<string, number>();
  for (const r of created) byType.set(r.type, (byType.get(r.type) ?? 0) + 1);
  console.log(
    `created through the service APIs (the emulator's CloudFormation skips them): ${[...byType].map(([t, n]) => `${n} ${t}`).join(', ') || 'none'}`,
  );
  if (failed.length) {
    console.log(`not in the local account (${failed.length}):`);
    for (const r of failed) console.log(`  - ${r.type} ${r.logicalId}: ${r.error}`);
  }
}

export async function main(o: Options, moto: MotoServer): Promise<void> {
  const started = Date.now();
  fs.mkdirSync(o.out, { recursive: true });
  for (const f of ['cdk.log', 'handler-logs.jsonl']) fs.rmSync(path.join(o.out, f), { force: true });
  console.log(`moto_server is answering on ${moto.endpoint} (pid ${moto.pid})`);

  step(`deploying ${o.stack} to the emulator with the CDK CLI`);
  const d = await deployLocal({
    projectDir: PROJECT_DIR,
    workDir: o.out,
    env: moto.env,
    stackName: o.stack,
    appEntry: o.appEntry,
    log: (l) => console.log(l),
  });
  printDeployment(d);

  const scalers = await findDeployedFunctions(d, SCALER_VARS);
  if (scalers.length === 0) throw new Error(`${o.stack} has no predictive scaler function (a Lambda function with ${SCALER_VARS.join(', ')})`);
  const scaler = scalers[0];
  const costOptimizers = await findDeployedFunctions(d, COST_VARS);
  const launchLeadSeconds = scaler.environment.LAUNCH_LEAD_SECONDS ? Number(scaler.environment.LAUNCH_LEAD_SECONDS) : 300;
  const fnEnv = { ...scaler.environment };
  const deployedMode = fnEnv.SCALING_MODE ?? 'forecast-only (default)';
  if (o.mode !== 'deployed') fnEnv.SCALING_MODE = o.mode;
  const loadMetric = loadMetricOf(fnEnv);
  const groupName = fnEnv.AUTO_SCALING_GROUP_NAME;
  const cpi = Number(fnEnv.CAPACITY_PER_INSTANCE);
  const targetUtilization = fnEnv.TARGET_UTILIZATION_PERCENT ? Number(fnEnv.TARGET_UTILIZATION_PERCENT) / 100 : 0.7;
  const group0 = await readGroup(d.clients.autoScaling, groupName);
  console.log(
    `predictive scaler: ${scaler.functionName}, group ${groupName} (min ${group0.min}, max ${group0.max}, desired ${group0.desired}), ` +
      `load metric ${loadMetric.namespace}/${loadMetric.metricName} ${JSON.stringify(loadMetric.dimensions)}, ${shortNumber(cpi)} per instance at 100%, target ${targetUtilization}`,
  );
  console.log(`the deployed function's SCALING_MODE is ${deployedMode}; this run uses ${fnEnv.SCALING_MODE ?? 'forecast-only (default)'}`);

  step('replaying the trace into CloudWatch');
  const raw = readTrace(o.trace);
  const p99 = percentile(raw.values, 0.99);
  const scale = o.scale === 'auto' ? Number(((0.8 * group0.max * cpi * targetUtilization) / p99).toPrecision(3)) : o.scale;
  const stackTimeZone = workingHoursTimeZone(costOptimizers[0]?.environment);
  const placed = placeTrace(raw, { days: o.days, historyDays: o.historyDays, scale, now: Date.now(), traceTimeZone: o.traceTimeZone, stackTimeZone });
  const aligned =
    placed.alignHours !== 0
      ? `, its ${o.traceTimeZone} clock aligned with the stack's ${stackTimeZone} (${placed.alignHours > 0 ? '+' : ''}${placed.alignHours} h)`
      : '';
  const traceLabel = `${path.basename(o.trace)} x ${scale}${o.scale === 'auto' ? ' (auto: its p99 needs 80% of MaxSize)' : ''}, moved ${(placed.shiftDays / 7).toFixed(2)} weeks forward${aligned}`;
  console.log(
    `${traceLabel}; history ${(placed.historyMinutes / 1440).toFixed(1)} days from ${new Date(placed.trace.start).toISOString()}, ` +
      `simulated ${o.days} day(s) from ${new Date(placed.trace.start + placed.firstMinute * 60_000).toISOString()}`,
  );
  const replayBar = progressBar('history -> CloudWatch');
  replayBar.start(placed.historyMinutes, 0, { unit: 'minutes' });
  const t0 = Date.now();
  await putTraceRange(d.clients.cloudWatch, loadMetric, placed.trace, 0, placed.firstMinute, (done) => replayBar.update(done));
  replayBar.stop();
  console.log(`replayed ${placed.historyMinutes} one-minute datapoints in ${secs((Date.now() - t0) / 1000)}`);

  step(`running the scalers on the simulated clock (${o.days} day(s))`);
  const logFile = path.join(o.out, 'handler-logs.jsonl');
  const handlerEntry = path.join(PROJECT_DIR, 'lambda', 'predictive-scaler', 'index.ts');
  const schedules: ScalerSchedule[] = [
    {
      name: 'predictive',
      everyMinutes: 5,
      invoke: await loadHandler(handlerEntry, fnEnv, d.env),
      forecastMetric: METRIC.FORECAST_LOAD,
      plannedMetric: METRIC.PLANNED_CAPACITY,
    },
  ];
  const notes: string[] = [];
  let observeMinute: ((at: number, load: number, group: GroupCapacity) => Promise<void>) | undefined;
  if (costOptimizers.length > 0) {
    const { costOptimizerSchedule } = await import('./local/cost');
    const cost = await costOptimizerSchedule(costOptimizers[0], d, PROJECT_DIR, cpi);
    schedules.push(cost.schedule);
    observeMinute = cost.observeMinute;
    notes.push(...cost.notes);
  } else {
    notes.push(`${o.stack} has no cost optimizer function: only the predictive scaler ran`);
  }
  const tracked = await readTrackedPolicies(d.clients.autoScaling, groupName, cpi);
  console.log(
    `target tracking evaluated on the simulated clock: ${tracked.policies.map((p) => `${p.metric} ${p.target}`).join(', ') || 'none'}` +
      `${tracked.unmodelled.length ? `; not modelled: ${tracked.unmodelled.join(', ')}` : ''}`,
  );
  const simBar = progressBar('simulated minutes');
  simBar.start(placed.minutes, 0, { unit: 'minutes' });
  const t1 = Date.now();
  const result = await simulate({
    cloudWatch: d.clients.cloudWatch,
    autoScaling: d.clients.autoScaling,
    groupName,
    loadMetric,
    trace: placed.trace,
    firstMinute: placed.firstMinute,
    minutes: placed.minutes,
    scalers: schedules,
    account: d.stack.account,
    region: d.stack.region,
    onRun: (row, out) =>
      fs.appendFileSync(
        logFile,
        out.logs.map((l) => JSON.stringify({ simulatedTime: new Date(row.at).toISOString(), scaler: row.scaler, ...l })).join('\n') + '\n',
      ),
    onMinute: (done) => simBar.update(done),
    observeMinute,
    groupModel: { capacityPerInstance: cpi, launchLeadSeconds, policies: tracked.policies },
  });
  simBar.stop();
  const simSeconds = (Date.now() - t1) / 1000;
  console.log(
    `${result.rows.length} scaler runs in ${secs(simSeconds)} (${((simSeconds * 1000) / Math.max(1, result.rows.length)).toFixed(0)} ms per run with the minutes between); ` +
      `${result.actionsExecuted} scheduled actions came due and were run, ${result.actionsFailed.length} failed; target tracking scaled ${result.targetTrackingActivities} times`,
  );
  for (const f of result.actionsFailed.slice(0, 10))
    console.log(`  scheduled action ${f.name} failed at ${new Date(f.at).toISOString()}: ${f.reason}`);
  if (result.actionsFailed.length > 10) console.log(`  ... and ${result.actionsFailed.length - 10} more`);
  if (result.actionsFailed.length)
    notes.push(
      `${result.actionsFailed.length} scheduled actions failed when they came due (MinSize above MaxSize), as they would on AWS; first: ${result.actionsFailed[0].name} (${result.actionsFailed[0].reason}).`,
    );
  if (result.recurringActionsSeen.length)
    notes.push(`recurring scheduled actions on the group were not run by the simulation: ${result.recurringActionsSeen.join(', ')}`);

  step('decisions (every run that changed the group or failed, and the first run of each hour)');
  console.log(formatTable(selectRows(result.rows)));
  const csvFile = path.join(o.out, 'decisions.csv');
  fs.writeFileSync(csvFile, toCsv(result.rows));
  const s = summarize(result.points, cpi);
  const failedRuns = result.rows.filter((r) => r.error).length;
  console.log(
    `\n${result.rows.length} runs (${failedRuns} failed); forecast WAPE ${Number.isNaN(s.forecastWape) ? '-' : (s.forecastWape * 100).toFixed(1) + '%'}; ` +
      `${s.overloadedMinutes} of ${s.minutes} minutes over capacity (${(s.unservedShare * 100).toFixed(2)}% of the load); ${s.instanceHours.toFixed(1)} instance-hours; ` +
      `desired capacity peaked at ${s.peakDesired}, changed ${s.scaleChanges} times`,
  );
  const instanceType = (await readInstanceType(d, groupName)) ?? 't3.micro';
  const pricePerHour = ON_DEMAND_USD_PER_HOUR[instanceType] ?? ON_DEMAND_USD_PER_HOUR['t3.micro'];
  // The same minutes, the same group model, the group's own policies and bounds: target tracking alone.
  const window = placed.trace.values.slice(placed.firstMinute - 1, placed.firstMinute + result.points.length);
  const alone = simulateGroup(
    window,
    placed.trace.start + (placed.firstMinute - 1) * 60_000,
    60,
    {
      capacityPerInstance: cpi,
      targetUtilization,
      minCapacity: group0.min,
      maxCapacity: group0.max,
      launchLeadSeconds,
      policies: tracked.policies,
      initialCapacity: group0.desired,
    },
    undefined,
    1,
  );
  const comparison: Comparison = {
    scalers: runFigures(result.totals, result.points.length, pricePerHour),
    alone: runFigures(alone, result.points.length, pricePerHour),
    aloneInService: alone.capacity.subarray(1),
    instanceType,
    pricePerHour,
  };
  console.log(
    `all runs: ${path.relative(process.cwd(), csvFile)}; handler log lines: ${path.relative(process.cwd(), logFile)}; CDK CLI output: ${path.relative(process.cwd(), path.join(o.out, 'cdk.log'))}`,
  );

  const missing = d.created.filter((r) => r.error);
  notes.unshift(
    `Deployed with the CDK CLI to moto_server (${d.stack.region}); created through the service APIs: ${d.created.filter((r) => r.created).length} resources the emulator's CloudFormation skips; not in the local account: ${missing.length ? missing.map((r) => r.type).join(', ') : 'none'}.`,
    `The emulator stores scheduled actions but never runs them, and never evaluates alarms: the simulation runs each one-time action when it comes due, and evaluates the group's target tracking policies (${tracked.policies.map((p) => `${p.metric} ${p.target}`).join(', ') || 'none'}) on modelled metrics: requests per target = load / desired, CPU = load / (desired x ${shortNumber(cpi)}).`,
    `Predictive scaler run every 5 simulated minutes with SCALING_MODE=${fnEnv.SCALING_MODE ?? 'forecast-only'} (deployed: ${deployedMode}); total wall time ${secs((Date.now() - started) / 1000)}.`,
  );
  notes.push(
    `Target tracking alone: the same minutes through the same group model (lambda/core/backtest), with the group's own target tracking policies and its deployed bounds (min ${group0.min}, max ${group0.max}), no predictive scaler and no cost optimizer. Both runs: launches serve ${launchLeadSeconds} s after they start and are paid from then; cost is instance-hours x the ${instanceType} on-demand price.`,
  );
  const html = renderChart(result.points, result.rows, {
    stackName: o.stack,
    groupName,
    capacityPerInstance: cpi,
    targetUtilization,
    traceLabel,
    notes,
    comparison,
  });
  const chartFile = path.join(o.out, 'local-run-chart.html');
  fs.writeFileSync(chartFile, html);
  console.log(`\nwall time ${secs((Date.now() - started) / 1000)}; the emulator is stopped on exit`);
  console.log(`chart: ${chartFile}`);

  step(`the scalers against target tracking alone (the same ${result.points.length} minutes through the same group model)`);
  console.log(formatColumns(comparisonRows(comparison)));
  console.log(`\n${verdict(comparison)}`);
}

async function run(): Promise<number> {
  let options: Options;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (e) {
    console.error(`${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (!motoAvailable()) {
    console.error(MOTO_INSTALL_HINT);
    return 1;
  }
  // The SDK's notice that its releases after January 2027 need Node >= 22 (the deployed functions
  // run Node 22; the local run works on Node >= 20): its documented switch, so that it is not
  // printed in the middle of the run's output.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

  let moto: MotoServer | undefined;
  let stopping = false;
  const shutdown = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    console.error(`\n${signal}: stopping the emulator and the CDK CLI`);
    stopChildren();
    await moto?.stop();
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  try {
    moto = await startLocalEmulator({ port: options.port });
    await main(options, moto);
    return 0;
  } catch (e) {
    console.error(`\nnpm start failed: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  } finally {
    stopChildren();
    await moto?.stop();
  }
}

if (require.main === module) void run().then((code) => process.exit(code));
