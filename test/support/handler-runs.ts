/**
 * Runs both scaler handlers against a {@link FakeGroup} on its simulated clock, with silent
 * loggers and metrics that keep what each run published (one record per EMF blob, with its
 * dimensions).
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { BudgetsClient } from '@aws-sdk/client-budgets';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CostExplorerClient } from '@aws-sdk/client-cost-explorer';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EC2Client } from '@aws-sdk/client-ec2';
import { COORDINATION_TABLE_ENV } from '../../lambda/contract/coordination';
import { encodeGroupBaseline } from '../../lambda/contract/group-baseline';
import { type CostRunSummary, runCostOptimizer } from '../../lambda/cost-optimizer';
import { planCapacity } from '../../lambda/core';
import { type RunSummary, runPredictiveScaler } from '../../lambda/predictive-scaler';
import type { FakeGroup } from './fake-group';

export interface Published {
  readonly dimensions: Record<string, string>;
  readonly values: Record<string, number>;
}

export interface Recorder {
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly published: Published[];
  readonly lines: Array<{ level: string; message: string; data: Record<string, unknown> }>;
}

export function recorder(): Recorder {
  const published: Published[] = [];
  const lines: Recorder['lines'] = [];
  let dims: Record<string, string> = {};
  let values: Record<string, number> = {};
  const log =
    (level: string) =>
    (message: string, data: Record<string, unknown> = {}) => {
      lines.push({ level, message, data });
    };
  return {
    published,
    lines,
    logger: { info: log('info'), warn: log('warn'), error: log('error'), debug: log('debug') } as unknown as Logger,
    metrics: {
      addDimension: (k: string, v: string) => {
        dims[k] = v;
      },
      addDimensions: (d: Record<string, string>) => {
        Object.assign(dims, d);
      },
      addMetric: (n: string, _u: string, v: number) => {
        values[n] = v;
      },
      setTimestamp: () => undefined,
      clearDefaultDimensions: () => undefined,
      publishStoredMetrics: () => {
        published.push({ dimensions: dims, values });
        dims = {};
        values = {};
      },
    } as unknown as Metrics,
  };
}

export function predictiveEnv(g: FakeGroup, extra: Record<string, string> = {}): Record<string, string> {
  return {
    AUTO_SCALING_GROUP_NAME: g.name,
    LOAD_METRIC_NAMESPACE: 'AWS/ApplicationELB',
    LOAD_METRIC_NAME: 'RequestCount',
    CAPACITY_PER_INSTANCE: '300',
    SCALING_MODE: 'forecast-and-scale',
    HISTORY_SECONDS: String(86_400),
    MIN_HISTORY_SECONDS: String(6 * 3600),
    GROUP_BASELINE: encodeGroupBaseline(g.baseline),
    [COORDINATION_TABLE_ENV]: 'coordination',
    ...extra,
  };
}

export function costEnv(g: FakeGroup, extra: Record<string, string> = {}): Record<string, string> {
  return {
    AUTO_SCALING_GROUP_NAME: g.name,
    BUDGET_ACCOUNT_ID: '123456789012',
    BUDGET_NAME: 'b',
    FLOOR_CAPACITY: '1',
    LOAD_LOOKBACK_HOURS: '24',
    BUDGET_STEP_INTERVAL_HOURS: '12',
    CAP_STEP_PERCENT: '50',
    GROUP_BASELINE: encodeGroupBaseline(g.baseline),
    [COORDINATION_TABLE_ENV]: 'coordination',
    ...extra,
  };
}

const region = { region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' }, maxAttempts: 1 };

/** One predictive scaler run at the group's clock; returns the summary or the error. */
export async function runPredictive(
  g: FakeGroup,
  env: Record<string, string>,
  rec = recorder(),
): Promise<{ summary?: RunSummary; error?: unknown; rec: Recorder }> {
  try {
    const summary = await runPredictiveScaler(
      { time: new Date(g.now).toISOString() },
      {
        cloudWatch: new CloudWatchClient(region),
        autoScaling: new AutoScalingClient(region),
        logger: rec.logger,
        metrics: rec.metrics,
        planner: planCapacity,
        env,
        wallClock: () => g.now + 1000,
        dynamoDb: new DynamoDBClient(region),
        sleep: noSleep,
      },
    );
    return { summary, rec };
  } catch (error) {
    return { error, rec };
  }
}

/** One cost optimizer run at the group's clock; returns the summary or the error. */
export async function runCost(
  g: FakeGroup,
  env: Record<string, string>,
  rec = recorder(),
): Promise<{ summary?: CostRunSummary; error?: unknown; rec: Recorder }> {
  try {
    const summary = await runCostOptimizer(
      { time: new Date(g.now).toISOString() },
      {
        autoScaling: new AutoScalingClient(region),
        budgets: new BudgetsClient(region),
        costExplorer: new CostExplorerClient(region),
        cloudWatch: new CloudWatchClient(region),
        ec2: new EC2Client(region),
        logger: rec.logger,
        metrics: rec.metrics,
        env,
        wallClock: () => g.now + 1000,
        dynamoDb: new DynamoDBClient(region),
        sleep: noSleep,
      },
    );
    return { summary, rec };
  } catch (error) {
    return { error, rec };
  }
}

const noSleep = () => Promise.resolve();
