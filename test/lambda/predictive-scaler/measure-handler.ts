/**
 * Measures the predictive scaler's wall time per run against moto_server with 14 days of
 * one-minute history, on the shipped form of the handler (bundled and minified by esbuild as
 * scripts/bundle-handlers.ts does, into node_modules/.cache).
 *
 *   npx tsx test/lambda/predictive-scaler/measure-handler.ts [runs=20] [--stock-moto]
 *
 * By default moto_server runs with the project's one-pass GetMetricData patch
 * (scripts/local/moto-patches); --stock-moto measures moto's own GetMetricData.
 */
import * as path from 'node:path';
import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { EC2Client } from '@aws-sdk/client-ec2';
import { buildSync } from 'esbuild';
import { startMoto, useEmulatorEnv } from '../../../scripts/moto-server';
import { createGroup, createLaunchTemplate, dailyLoad, DAY, MINUTE, seedMetric } from './emulator-fixture';

const root = path.resolve(__dirname, '../../..');

async function main(): Promise<void> {
  const stock = process.argv.includes('--stock-moto');
  const runs = Number(process.argv.slice(2).find((a) => /^\d+$/.test(a)) ?? 20);
  const outfile = path.join(root, 'node_modules', '.cache', 'predictive-scaler-measure', 'index.js');
  buildSync({
    entryPoints: [path.join(root, 'lambda', 'predictive-scaler', 'index.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    minify: true,
    external: ['@aws-sdk/*'],
    logLevel: 'warning',
  });
  const moto = await startMoto(stock ? {} : { env: { PYTHONPATH: path.join(root, 'scripts', 'local', 'moto-patches') } });
  const restore = useEmulatorEnv(moto);
  try {
    await createLaunchTemplate(new EC2Client({}));
    await createGroup(new AutoScalingClient({}), 'web', 2, 20);
    const now0 = Math.floor(Date.now() / MINUTE) * MINUTE - 2 * 3_600_000;
    const metric = {
      namespace: 'AWS/ApplicationELB',
      metricName: 'RequestCount',
      dimensions: { LoadBalancer: 'app/web/1', TargetGroup: 'targetgroup/web/1' },
    };
    await seedMetric(new CloudWatchClient({}), metric, now0 - 14 * DAY, now0 + runs * 5 * MINUTE, dailyLoad);
    Object.assign(process.env, {
      AUTO_SCALING_GROUP_NAME: 'web',
      LOAD_METRIC_NAMESPACE: metric.namespace,
      LOAD_METRIC_NAME: metric.metricName,
      LOAD_METRIC_DIMENSIONS: JSON.stringify(metric.dimensions),
      CAPACITY_PER_INSTANCE: '150',
      BASE_MIN_CAPACITY: '2',
      SCALING_MODE: 'forecast-and-scale',
      POWERTOOLS_METRICS_NAMESPACE: 'Measure',
      SCALER_SIMULATED_CLOCK: 'true', // runs every 5 simulated minutes
    });
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { handler } = require(outfile) as {
      handler: (e: unknown) => Promise<{ decision: string; stageMs?: Record<string, number>; history?: { datapoints?: number } }>;
    };
    const wall: number[] = [];
    const stages: Record<string, number[]> = { read: [], plan: [], apply: [] };
    const decisions = new Set<string>();
    const write = { out: process.stdout.write.bind(process.stdout), err: process.stderr.write.bind(process.stderr) };
    for (let i = 0; i < runs; i++) {
      process.stdout.write = () => true; // the handler's log lines and EMF
      process.stderr.write = () => true;
      const t0 = performance.now();
      let s;
      try {
        s = await handler({ time: new Date(now0 + i * 5 * MINUTE).toISOString() });
      } finally {
        process.stdout.write = write.out;
        process.stderr.write = write.err;
      }
      wall.push(performance.now() - t0);
      decisions.add(`${s.decision} (${s.history?.datapoints} datapoints)`);
      for (const k of Object.keys(stages)) stages[k].push(s.stageMs?.[k] ?? NaN);
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    console.log(
      `${stock ? 'stock' : 'patched (one-pass GetMetricData)'} moto_server, bundled handler, ${runs} runs every 5 simulated minutes: ` +
        `first ${wall[0].toFixed(0)} ms, median ${median(wall).toFixed(0)} ms, max ${Math.max(...wall).toFixed(0)} ms; ` +
        `stage medians: ${Object.entries(stages)
          .map(([k, v]) => `${k} ${median(v)} ms`)
          .join(', ')}; ${[...decisions].join(', ')}`,
    );
  } finally {
    restore();
    await moto.stop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
