/**
 * The cost optimizer in the local run: what it needs that the emulator cannot produce, from
 * documented models, and its hourly runs in-process.
 *
 * - Spend: moto's Budgets reports only the `CalculatedSpend` it was given. Before each run the
 *   budget is re-created (moto has no UpdateBudget) with the month's actual and forecasted spend
 *   of the group's instances: instance-hours x the on-demand list price of the instance type
 *   (Linux, us-east-1, {@link ON_DEMAND_USD_PER_HOUR}). Before the simulation the group is taken
 *   to have run at its desired capacity since the start of the month; the forecast adds the rest
 *   of the month at the current desired capacity. Other charges (load balancer, NAT gateway,
 *   traffic) are not modelled.
 * - Utilization: no instances run in the emulator, so each simulated minute puts the group's
 *   `AWS/EC2 CPUUtilization` (100 x load / (desired x capacity per instance), at most 100) and
 *   `AWS/AutoScaling GroupInServiceInstances` (the desired capacity) by AutoScalingGroupName.
 */
import * as path from 'node:path';
import { DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import { CreateBudgetCommand, type CreateBudgetCommandInput, DeleteBudgetCommand } from '@aws-sdk/client-budgets';
import { PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { DescribeLaunchTemplateVersionsCommand } from '@aws-sdk/client-ec2';
import { type DeployedFunction, type LocalDeployment, loadHandler } from './pipeline';
import type { GroupCapacity, ScalerSchedule } from './simulate';

/** On-demand Linux list prices in us-east-1, USD per instance-hour. */
export const ON_DEMAND_USD_PER_HOUR: Record<string, number> = {
  't3.nano': 0.0052,
  't3.micro': 0.0104,
  't3.small': 0.0208,
  't3.medium': 0.0416,
  't3.large': 0.0832,
  't3.xlarge': 0.1664,
  't3.2xlarge': 0.3328,
  'm5.large': 0.096,
  'm5.xlarge': 0.192,
  'c5.large': 0.085,
  'c5.xlarge': 0.17,
};

const HOUR = 3_600_000;

function monthBounds(at: number): { start: number; end: number } {
  const d = new Date(at);
  return { start: Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1), end: Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) };
}

/** The spend model (see the module comment). */
export class SpendModel {
  private actual = 0;
  private lastAt?: number;

  constructor(private readonly pricePerHour: (at: number) => number) {}

  /** Month-to-date spend before `at`, the group having run `desired` instances since the month began. */
  start(at: number, desired: number): void {
    this.actual = ((at - monthBounds(at).start) / HOUR) * desired * this.pricePerHour(at);
    this.lastAt = at;
  }

  /** Accounts for one minute at `desired` instances (a new month starts from zero). */
  minute(at: number, desired: number): void {
    if (this.lastAt !== undefined && monthBounds(at).start !== monthBounds(this.lastAt).start) this.actual = 0;
    this.actual += (desired * this.pricePerHour(at)) / 60;
    this.lastAt = at;
  }

  /** Actual spend so far and the month-end forecast at `desired` instances from `at` on. */
  spend(at: number, desired: number): { actual: number; forecast: number } {
    const remaining = (monthBounds(at).end - at) / HOUR;
    return { actual: this.actual, forecast: this.actual + remaining * desired * this.pricePerHour(at) };
  }
}

/** The group's instance type, from its launch template; undefined when it has none. */
export async function readInstanceType(d: LocalDeployment, groupName: string): Promise<string | undefined> {
  const g = (await d.clients.autoScaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [groupName] }))).AutoScalingGroups?.[0];
  const lt = g?.LaunchTemplate ?? g?.MixedInstancesPolicy?.LaunchTemplate?.LaunchTemplateSpecification;
  if (!lt?.LaunchTemplateId && !lt?.LaunchTemplateName) return undefined;
  const v = await d.clients.ec2.send(
    new DescribeLaunchTemplateVersionsCommand({
      LaunchTemplateId: lt.LaunchTemplateId,
      LaunchTemplateName: lt.LaunchTemplateId ? undefined : lt.LaunchTemplateName,
      Versions: [lt.Version ?? '$Default'],
    }),
  );
  return v.LaunchTemplateVersions?.[0]?.LaunchTemplateData?.InstanceType;
}

/** The cost optimizer's hourly runs, and the per-minute observations it needs. */
export async function costOptimizerSchedule(
  fn: DeployedFunction,
  d: LocalDeployment,
  projectDir: string,
  capacityPerInstance: number,
): Promise<{
  schedule: ScalerSchedule;
  observeMinute: (at: number, load: number, group: GroupCapacity) => Promise<void>;
  notes: string[];
}> {
  const env = fn.environment;
  const groupName = env.AUTO_SCALING_GROUP_NAME;
  const budgetName = env.BUDGET_NAME;
  const budget = d.created.find((r) => r.type === 'AWS::Budgets::Budget' && r.created === budgetName && r.input);
  if (!budget) throw new Error(`the cost optimizer's budget ${budgetName} was not created in the emulator`);
  const budgetInput = budget.input as CreateBudgetCommandInput;
  let instanceType = 't3.micro';
  const refreshInstanceType = async () => {
    instanceType = (await readInstanceType(d, groupName)) ?? instanceType;
  };
  await refreshInstanceType();
  const price = () => ON_DEMAND_USD_PER_HOUR[instanceType] ?? ON_DEMAND_USD_PER_HOUR['t3.micro'];
  const model = new SpendModel(price);
  let started = false;
  let lastDesired = 0;

  const handler = await loadHandler(path.join(projectDir, 'lambda', 'cost-optimizer', 'index.ts'), env, d.env);
  const schedule: ScalerSchedule = {
    name: 'cost',
    everyMinutes: 60,
    invoke: async (event) => {
      const at = Date.parse((event as { time: string }).time);
      await refreshInstanceType();
      const { actual, forecast } = model.spend(at, lastDesired);
      await d.clients.budgets.send(new DeleteBudgetCommand({ AccountId: budgetInput.AccountId, BudgetName: budgetName }));
      await d.clients.budgets.send(
        new CreateBudgetCommand({
          ...budgetInput,
          Budget: {
            ...budgetInput.Budget!,
            CalculatedSpend: {
              ActualSpend: { Amount: actual.toFixed(2), Unit: 'USD' },
              ForecastedSpend: { Amount: forecast.toFixed(2), Unit: 'USD' },
            },
          },
        }),
      );
      return handler(event);
    },
  };
  const observeMinute = async (at: number, load: number, group: GroupCapacity) => {
    if (!started) {
      model.start(at, group.desired);
      started = true;
    }
    model.minute(at, group.desired);
    lastDesired = group.desired;
    if (!Number.isFinite(load)) return;
    const dims = [{ Name: 'AutoScalingGroupName', Value: groupName }];
    const cpu = group.desired > 0 ? Math.min(100, (100 * load) / (group.desired * capacityPerInstance)) : 0;
    await d.clients.cloudWatch.send(
      new PutMetricDataCommand({
        Namespace: 'AWS/EC2',
        MetricData: [{ MetricName: 'CPUUtilization', Dimensions: dims, Timestamp: new Date(at), Value: cpu, Unit: 'Percent' }],
      }),
    );
    await d.clients.cloudWatch.send(
      new PutMetricDataCommand({
        Namespace: 'AWS/AutoScaling',
        MetricData: [{ MetricName: 'GroupInServiceInstances', Dimensions: dims, Timestamp: new Date(at), Value: group.desired, Unit: 'None' }],
      }),
    );
  };
  return {
    schedule,
    observeMinute,
    notes: [
      `Cost optimizer ${fn.functionName} run every simulated hour (MODE=${env.MODE ?? 'apply'}); spend modelled as instance-hours x the ${instanceType} on-demand list price (us-east-1, $${price()}/h), other charges not modelled; CPU utilization modelled as load / (desired x capacity per instance).`,
    ],
  };
}
