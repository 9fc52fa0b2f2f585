/**
 * The types of a predictive scaler run: what it uses ({@link Dependencies}) and what it reports
 * ({@link RunSummary}). Their own module so that the handler (index.ts) and its steps
 * (run-steps.ts) both import them without importing each other.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { PlanInput, PlannerOptions, PlanOutput } from '../core';
import type { describeError } from '../shared/aws';
import type { EcsClients } from './ecs-target';
import type { GroupState } from './scheduled-actions';

/** What a run decided. */
export type Decision = 'applied' | 'forecast-only' | 'dry-run' | 'held' | 'skipped' | 'failed';

/** A run's outcome (also logged as one line). */
export interface RunSummary {
  readonly decision: Decision;
  readonly reason: string;
  readonly now: string;
  readonly durationMs: number;
  /** Milliseconds spent reading (AWS), planning (the core) and applying (AWS). */
  readonly stageMs?: { read?: number; plan?: number; apply?: number };
  readonly group?: GroupState & { readonly name: string };
  readonly history?: Record<string, unknown>;
  readonly plan?: Record<string, unknown>;
  readonly actions?: Record<string, unknown>;
  readonly error?: ReturnType<typeof describeError> & { readonly stage: string };
  /** The run's clock when the event's time was not used. */
  readonly clock?: string;
}

/** What a run uses; created once per container by {@link handler}, injected by tests. */
export interface Dependencies {
  readonly cloudWatch: CloudWatchClient;
  readonly autoScaling: AutoScalingClient;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly planner: (input: PlanInput, options?: PlannerOptions) => PlanOutput;
  readonly env: Record<string, string | undefined>;
  /** Wall clock (epoch ms): durations, the lease, and `now` when the event's time is missing or implausible. */
  readonly wallClock: () => number;
  /** The coordination table's client (the lease and the state key); without it the run takes no lease. */
  readonly dynamoDb?: DynamoDBClient;
  /** Waits between lease attempts (tests make it instant). */
  readonly sleep?: (ms: number) => Promise<void>;
  /** A replay or test on a simulated clock: the event's time is used as it is. */
  readonly simulatedClock?: boolean;
  /** The clients of a scaler on an ECS service (ECS_SERVICE_TARGET); created on first use when absent. */
  readonly ecsClients?: EcsClients;
}
