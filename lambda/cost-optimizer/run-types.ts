/**
 * The types of a cost optimizer run: what it uses ({@link CostDependencies}) and what it reports
 * ({@link CostRunSummary}). Their own module so that the handler (index.ts) and its steps
 * (run-steps.ts, lanes.ts, bounded-actions.ts) all import them without importing each other.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import type { BudgetsClient } from '@aws-sdk/client-budgets';
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { CostExplorerClient } from '@aws-sdk/client-cost-explorer';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { EC2Client } from '@aws-sdk/client-ec2';
import type { CostAction, CostDecision, GroupSnapshot } from '../core/cost';
import type { describeError } from '../shared/aws';
import type { EcsClients } from '../shared/ecs-clients';
import type { ApplyResult } from './apply';
import type { EcsTaskCapResult } from './ecs-task-cap';

export type Outcome = 'applied' | 'no-change' | 'dry-run' | 'forecast-only' | 'held' | 'skipped' | 'failed';

/** A run's outcome (also the log line). */
export interface CostRunSummary {
  readonly outcome: Outcome;
  readonly now: string;
  readonly mode?: string;
  readonly group?: GroupSnapshot & { readonly name: string };
  readonly spend?: Record<string, unknown>;
  readonly utilizationSamples?: number;
  readonly usageHistoryHours?: number;
  readonly decision?: Pick<CostDecision, 'pressure' | 'plan' | 'notes'> & { readonly actions: CostAction[] };
  readonly applied?: Pick<ApplyResult, 'succeeded' | 'calls' | 'newTemplateVersion'>;
  /** On an ECS service: its task MaxCapacity for the group's MaxSize (ecs-task-cap.ts). */
  readonly ecsTaskCap?: EcsTaskCapResult;
  readonly state?: string;
  /** Why the run acted on nothing: an operator's hold, or the predictive scaler held the lease. */
  readonly hold?: string;
  /** The run's clock when the event's time was not used. */
  readonly clock?: string;
  readonly error?: ReturnType<typeof describeError> & { readonly stage: string };
}

/** What a run uses; created once per container by {@link handler}, injected by tests. */
export interface CostDependencies {
  readonly autoScaling: AutoScalingClient;
  readonly budgets: BudgetsClient;
  readonly costExplorer: CostExplorerClient;
  readonly cloudWatch: CloudWatchClient;
  readonly ec2: EC2Client;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly env: Record<string, string | undefined>;
  readonly wallClock: () => number;
  /** The coordination table's client (the lease and the state key); without it the run takes no lease. */
  readonly dynamoDb?: DynamoDBClient;
  /** Waits between lease attempts (tests make it instant). */
  readonly sleep?: (ms: number) => Promise<void>;
  /** A replay or test on a simulated clock: the event's time is used as it is. */
  readonly simulatedClock?: boolean;
  /** The clients of an optimizer on an ECS service (ECS_TASK_CAP); created on first use when absent. */
  readonly ecsClients?: EcsClients;
}
