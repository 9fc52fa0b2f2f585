/**
 * Measures one GetMetricData read of a 14-day window of one-minute data (the predictive scaler's
 * read) against moto_server as installed and with scripts/local/moto-patches, after putting
 * 9 days of the shipped trace:
 *
 *   npx tsx scripts/local/bench-get-metric-data.ts
 */
import * as path from 'node:path';
import { type CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { type MotoServer, startMoto } from '../moto-server';
import { startLocalEmulator } from './emulator';
import { localClients } from './pipeline';
import { type MetricSpec, putTraceRange } from './replay';
import { readTrace, shiftByWeeksToEndBefore } from './trace';

const DAYS = 9;
const metric: MetricSpec = {
  namespace: 'AWS/ApplicationELB',
  metricName: 'RequestCount',
  dimensions: { LoadBalancer: 'app/lb/1', TargetGroup: 'targetgroup/tg/2' },
};

async function measure(label: string, moto: MotoServer): Promise<void> {
  try {
    const cw: CloudWatchClient = localClients(moto.env).cloudWatch;
    const raw = readTrace(path.join(__dirname, '..', '..', 'data', 'nasa-http-1995-10d.csv'));
    const { trace } = shiftByWeeksToEndBefore(raw, raw.start + DAYS * 86_400_000, Date.now());
    await putTraceRange(cw, metric, trace, 0, DAYS * 1440);
    const end = new Date(trace.start + DAYS * 86_400_000);
    const times: number[] = [];
    let points = 0;
    for (let i = 0; i < 3; i++) {
      const t0 = Date.now();
      const res = await cw.send(
        new GetMetricDataCommand({
          StartTime: new Date(end.getTime() - 14 * 86_400_000),
          EndTime: end,
          MetricDataQueries: [
            {
              Id: 'load',
              MetricStat: {
                Metric: {
                  Namespace: metric.namespace,
                  MetricName: metric.metricName,
                  Dimensions: Object.entries(metric.dimensions).map(([Name, Value]) => ({ Name, Value })),
                },
                Period: 60,
                Stat: 'Sum',
              },
            },
          ],
        }),
      );
      times.push(Date.now() - t0);
      points = res.MetricDataResults?.[0]?.Values?.length ?? 0;
    }
    console.log(`${label}: ${points} points, ${times.map((t) => `${t} ms`).join(', ')}`);
  } finally {
    await moto.stop();
  }
}

void (async () => {
  await measure('moto as installed', await startMoto());
  await measure('moto with moto-patches', await startLocalEmulator());
})();
