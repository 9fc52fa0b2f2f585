/**
 * Fault injection for the predictive scaler's handler: throttling, 500s and timeouts on every
 * call (aws-sdk-client-mock stands in for the error an SDK call ends with once its own retries are
 * spent), and the SDK's real retries against a failing HTTP handler. On every failure: capacity is
 * never lowered nor raised above MaxSize, stale actions are kept, one ERROR line says what failed,
 * RunErrors = 1 is published, and the error is rethrown for the function's error alarm.
 */
import {
  AutoScalingClient,
  BatchDeleteScheduledActionCommand,
  BatchPutScheduledUpdateGroupActionCommand,
  DescribeAutoScalingGroupsCommand,
  DescribeScheduledActionsCommand,
  SetDesiredCapacityCommand,
} from '@aws-sdk/client-auto-scaling';
import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import { Readable } from 'node:stream';
import { createDependencies, type Dependencies, runPredictiveScaler } from '../../../lambda/predictive-scaler';
import { clientSettings } from '../../../lambda/shared/aws';
import { captureOutput, DAY, dailyLoad, MINUTE } from './emulator-fixture';

const NOW = Date.UTC(2026, 10, 26, 8, 0, 0);
const GROUP = 'web';
const ENV = {
  AUTO_SCALING_GROUP_NAME: GROUP,
  LOAD_METRIC_NAMESPACE: 'AWS/ApplicationELB',
  LOAD_METRIC_NAME: 'RequestCount',
  LOAD_METRIC_DIMENSIONS: JSON.stringify({ LoadBalancer: 'app/web/1' }),
  CAPACITY_PER_INSTANCE: '150',
  BASE_MIN_CAPACITY: '2',
  SCALING_MODE: 'forecast-and-scale',
};
const LIVE = { MinSize: 2, MaxSize: 20, DesiredCapacity: 3 };

const awsError = (name: string, status: number, message: string) =>
  Object.assign(new Error(message), { name, $fault: status >= 500 ? 'server' : 'client', $metadata: { httpStatusCode: status } });
const throttling = () => awsError('ThrottlingException', 400, 'Rate exceeded');
const internal = () => awsError('InternalFailure', 500, 'An internal error occurred');
const timeout = () => Object.assign(new Error('Connection timed out after 3000 ms'), { name: 'TimeoutError' });

const history = () => {
  const Timestamps: Date[] = [];
  const Values: number[] = [];
  for (let t = NOW - 14 * DAY; t < NOW; t += MINUTE) {
    Timestamps.push(new Date(t));
    Values.push(dailyLoad(t));
  }
  return { MetricDataResults: [{ Id: 'load', Timestamps, Values, StatusCode: 'Complete' as const }] };
};
const HISTORY = history();

const cw = mockClient(CloudWatchClient);
const asg = mockClient(AutoScalingClient);
let base: Omit<Dependencies, 'env'>;

beforeAll(() => {
  const { logger, metrics, planner, wallClock } = createDependencies({});
  base = {
    cloudWatch: new CloudWatchClient({ region: 'us-east-1' }),
    autoScaling: new AutoScalingClient({ region: 'us-east-1' }),
    logger,
    metrics,
    planner,
    wallClock,
    // Replays on a fixed simulated clock: the event's time is the run's.
    simulatedClock: true,
  };
});

let cloudWatchMocked = true;

beforeEach(() => {
  asg.reset();
  if (cloudWatchMocked) {
    cw.reset();
    cw.on(GetMetricDataCommand).resolves(HISTORY);
  }
  asg.on(DescribeAutoScalingGroupsCommand).resolves({ AutoScalingGroups: [{ AutoScalingGroupName: GROUP, ...LIVE } as never] });
  asg.on(DescribeScheduledActionsCommand).resolves({
    ScheduledUpdateGroupActions: [
      { ScheduledActionName: 'predictive-scaler-20261126T0700Z', StartTime: new Date(NOW + 30 * MINUTE), MinSize: 9 },
      { ScheduledActionName: 'nightly-batch', Recurrence: '0 22 * * *', MinSize: 4 },
    ],
  });
  asg.on(SetDesiredCapacityCommand).resolves({});
  asg.on(BatchPutScheduledUpdateGroupActionCommand).resolves({ FailedScheduledUpdateGroupActions: [] });
  asg.on(BatchDeleteScheduledActionCommand).resolves({ FailedScheduledActions: [] });
});

afterAll(() => {
  if (cloudWatchMocked) cw.restore();
  asg.restore();
});

async function run(deps: Partial<Dependencies> = {}): Promise<{ error?: unknown; lines: Record<string, any>[] }> {
  const out = captureOutput();
  try {
    await runPredictiveScaler({ time: new Date(NOW).toISOString() }, { ...base, env: ENV, ...deps });
    return { lines: out.lines() };
  } catch (error) {
    return { error, lines: out.lines() };
  } finally {
    out.restore();
  }
}

test('a throttled GroupInServiceInstances read leaves the capacity history out: the run plans from the replay and says why', async () => {
  cw.reset();
  cw.on(GetMetricDataCommand).callsFake((input: { MetricDataQueries?: { Id?: string }[] }) =>
    input.MetricDataQueries?.[0]?.Id === 'inService' ? Promise.reject(throttling()) : Promise.resolve(HISTORY),
  );
  const r = await run();
  expect(r.error).toBeUndefined();
  expectOneRaise();
  const line = r.lines.find((l) => typeof l.decision === 'string')!;
  expect(line.decision).toBe('applied');
  expect(line.history).toMatchObject({ capacityDatapoints: 0, capacityError: expect.stringMatching(/Rate exceeded/) });
  expect(line.plan.realized).toBeUndefined();
  expect(r.lines.filter((l) => l._aws && 'RealizedUnservedPercent' in l)).toEqual([]);
});

/** The one immediate raise a healthy plan makes here (the morning ramp needs more than the 3 running). */
function expectOneRaise(): number {
  const raised = asg.commandCalls(SetDesiredCapacityCommand).map((c) => c.args[0].input.DesiredCapacity!);
  expect(raised).toHaveLength(1);
  expect(raised[0]).toBeGreaterThan(LIVE.DesiredCapacity);
  expect(raised[0]).toBeLessThanOrEqual(LIVE.MaxSize);
  return raised[0];
}

/** The invariants of every failed run. */
function expectFailSafe(r: { error?: unknown; lines: Record<string, any>[] }, stage: string) {
  expect(r.error).toBeDefined();
  for (const c of asg.commandCalls(SetDesiredCapacityCommand)) {
    expect(c.args[0].input.DesiredCapacity).toBeGreaterThanOrEqual(LIVE.DesiredCapacity);
    expect(c.args[0].input.DesiredCapacity).toBeLessThanOrEqual(LIVE.MaxSize);
  }
  for (const c of asg.commandCalls(BatchPutScheduledUpdateGroupActionCommand)) {
    for (const a of c.args[0].input.ScheduledUpdateGroupActions ?? []) expect(a.MinSize ?? 0).toBeLessThanOrEqual(LIVE.MaxSize);
  }
  const logged = r.lines.filter((l) => typeof l.decision === 'string');
  expect(logged).toHaveLength(1);
  expect(logged[0]).toMatchObject({ level: 'ERROR', decision: 'failed', error: { stage } });
  const emf = r.lines.filter((l) => l._aws && 'RunErrors' in l);
  expect(emf.map((l) => l.RunErrors)).toEqual([1]);
  expect(emf[0].DecisionFailed).toBe(1);
}

test('healthy run (the baseline the faults are compared with): raises, puts and removes its stale action', async () => {
  const r = await run();
  expect(r.error).toBeUndefined();
  expectOneRaise();
  expect(asg.commandCalls(BatchPutScheduledUpdateGroupActionCommand)).toHaveLength(1);
  expect(asg.commandCalls(BatchDeleteScheduledActionCommand).map((c) => c.args[0].input.ScheduledActionNames)).toEqual([
    ['predictive-scaler-20261126T0700Z'],
  ]);
});

describe.each([
  ['throttling', throttling],
  ['500 InternalFailure', internal],
  ['timeout', timeout],
])('%s', (_kind, fault) => {
  test.each([
    ['GetMetricData', () => cw.on(GetMetricDataCommand).rejects(fault())],
    ['DescribeAutoScalingGroups', () => asg.on(DescribeAutoScalingGroupsCommand).rejects(fault())],
    ['DescribeScheduledActions', () => asg.on(DescribeScheduledActionsCommand).rejects(fault())],
  ])('on %s: nothing is changed', async (_call, inject) => {
    inject();
    const r = await run();
    expectFailSafe(r, 'read');
    expect(asg.commandCalls(SetDesiredCapacityCommand)).toHaveLength(0);
    expect(asg.commandCalls(BatchPutScheduledUpdateGroupActionCommand)).toHaveLength(0);
    expect(asg.commandCalls(BatchDeleteScheduledActionCommand)).toHaveLength(0);
  });

  test('on SetDesiredCapacity: the plan is still scheduled, stale actions are kept', async () => {
    asg.on(SetDesiredCapacityCommand).rejects(fault());
    const r = await run();
    expectFailSafe(r, 'apply');
    expect(asg.commandCalls(BatchPutScheduledUpdateGroupActionCommand)).toHaveLength(1);
    expect(asg.commandCalls(BatchDeleteScheduledActionCommand)).toHaveLength(0);
  });

  test('on BatchPutScheduledUpdateGroupAction: capacity only raised, stale actions kept', async () => {
    asg.on(BatchPutScheduledUpdateGroupActionCommand).rejects(fault());
    const r = await run();
    expectFailSafe(r, 'apply');
    const raised = expectOneRaise();
    expect(asg.commandCalls(BatchDeleteScheduledActionCommand)).toHaveLength(0);
    // The one line says what was done before the failure, and the raise is counted.
    const line = r.lines.find((l) => l.decision === 'failed')!;
    expect(line.actions.result).toMatchObject({ desiredSet: raised, put: 0, removed: 0, removalSkipped: 1 });
    expect(r.lines.filter((l) => l._aws && 'RunErrors' in l).map((l) => l.ImmediateScaleOuts)).toEqual([1]);
  });

  test('on BatchDeleteScheduledAction: the new plan is in place, the error is reported', async () => {
    asg.on(BatchDeleteScheduledActionCommand).rejects(fault());
    const r = await run();
    expectFailSafe(r, 'apply');
    expect(asg.commandCalls(BatchPutScheduledUpdateGroupActionCommand)).toHaveLength(1);
  });
});

test('scheduled actions refused by Auto Scaling: stale actions kept, the refusal is logged and counted', async () => {
  asg.on(BatchPutScheduledUpdateGroupActionCommand).resolves({
    FailedScheduledUpdateGroupActions: [
      { ScheduledActionName: 'predictive-scaler-20261126T0801Z', ErrorCode: 'LimitExceeded', ErrorMessage: 'Scheduled action limit reached' },
    ],
  });
  const r = await run();
  expectFailSafe(r, 'apply');
  expect(asg.commandCalls(BatchDeleteScheduledActionCommand)).toHaveLength(0);
  const line = r.lines.find((l) => l.decision === 'failed')!;
  expect(line.error.message).toMatch(/LimitExceeded Scheduled action limit reached/);
  expect(line.actions.result).toMatchObject({ desiredSet: expectOneRaise(), removalSkipped: 1 });
});

test('a stale action already run and deleted by Auto Scaling is not an error', async () => {
  asg.on(BatchDeleteScheduledActionCommand).resolves({
    FailedScheduledActions: [
      { ScheduledActionName: 'predictive-scaler-20261126T0700Z', ErrorCode: 'ValidationError', ErrorMessage: 'Scheduled action name not found' },
    ],
  });
  const r = await run();
  expect(r.error).toBeUndefined();
});

test('the group is gone: nothing is changed, the error is reported', async () => {
  asg.on(DescribeAutoScalingGroupsCommand).resolves({ AutoScalingGroups: [] });
  const r = await run();
  expectFailSafe(r, 'read');
  expect((r.error as Error).message).toMatch(/Auto Scaling group 'web' not found/);
  expect(asg.commandCalls(SetDesiredCapacityCommand)).toHaveLength(0);
});

test('the planner throws: nothing is changed, the error is reported', async () => {
  const r = await run({
    planner: () => {
      throw new RangeError('capacityPerInstance must be a positive finite number (got -1)');
    },
  });
  expectFailSafe(r, 'plan');
  expect(asg.commandCalls(SetDesiredCapacityCommand)).toHaveLength(0);
  expect(asg.commandCalls(BatchPutScheduledUpdateGroupActionCommand)).toHaveLength(0);
});

test('the planner finds nothing to plan from: skipped, nothing changed, an error counted, no exception', async () => {
  const r = await run({ planner: () => ({ schedule: [] }) });
  expect(r.error).toBeUndefined();
  const line = r.lines.find((l) => typeof l.decision === 'string')!;
  expect(line).toMatchObject({ level: 'WARN', decision: 'skipped', reason: expect.stringMatching(/^the planner returned no plan/) });
  expect(r.lines.filter((l) => l._aws && 'RunErrors' in l).map((l) => l.RunErrors)).toEqual([1]);
  expect(asg.commandCalls(SetDesiredCapacityCommand)).toHaveLength(0);
  expect(asg.commandCalls(BatchPutScheduledUpdateGroupActionCommand)).toHaveLength(0);
  expect(asg.commandCalls(BatchDeleteScheduledActionCommand)).toHaveLength(0);
});

test('a bad configuration: no AWS call, the variable and value are named', async () => {
  const r = await run({ env: { ...ENV, CAPACITY_PER_INSTANCE: 'lots' } });
  expectFailSafe(r, 'config');
  expect((r.error as Error).message).toBe("environment variable CAPACITY_PER_INSTANCE must be a number, got 'lots'");
  expect(cw.calls()).toHaveLength(0);
  expect(asg.calls()).toHaveLength(0);
});

test.each(['MaxSize', 'MinSize', 'DesiredCapacity'])(
  'the group is described without %s: missing data, nothing is changed (not read as 0)',
  async (field) => {
    const live: Record<string, unknown> = { AutoScalingGroupName: GROUP, ...LIVE };
    delete live[field];
    asg.on(DescribeAutoScalingGroupsCommand).resolves({ AutoScalingGroups: [live as never] });
    const r = await run();
    expectFailSafe(r, 'read');
    expect((r.error as Error).message).toBe(`Auto Scaling group 'web' has no valid ${field} (got undefined)`);
    // Read as 0, MaxSize clamped the plan to nothing and the raised floor (MinSize 9) was deleted.
    expect(asg.commandCalls(SetDesiredCapacityCommand)).toHaveLength(0);
    expect(asg.commandCalls(BatchPutScheduledUpdateGroupActionCommand)).toHaveLength(0);
    expect(asg.commandCalls(BatchDeleteScheduledActionCommand)).toHaveLength(0);
  },
);

test('target tracking scaled out while the run planned: the group is read again and the raise is not made (it would lower)', async () => {
  asg
    .on(DescribeAutoScalingGroupsCommand)
    .resolvesOnce({ AutoScalingGroups: [{ AutoScalingGroupName: GROUP, ...LIVE } as never] })
    .resolves({ AutoScalingGroups: [{ AutoScalingGroupName: GROUP, ...LIVE, DesiredCapacity: 20 } as never] });
  const r = await run();
  expect(r.error).toBeUndefined();
  expect(asg.commandCalls(SetDesiredCapacityCommand)).toHaveLength(0);
  const line = r.lines.find((l) => typeof l.decision === 'string')!;
  expect(line.actions.result.desiredSkipped).toEqual({ liveDesired: 20, liveMaxSize: 20 });
  expect(line.reason).toMatch(/^no immediate change \(needed now \d+; read again before raising, the group had desired 20, MaxSize 20\)/);
});

test('the cost optimizer lowered MaxSize while the run planned: the raise stops at the live MaxSize', async () => {
  asg
    .on(DescribeAutoScalingGroupsCommand)
    .resolvesOnce({ AutoScalingGroups: [{ AutoScalingGroupName: GROUP, ...LIVE } as never] })
    .resolves({ AutoScalingGroups: [{ AutoScalingGroupName: GROUP, ...LIVE, MaxSize: 4 } as never] });
  const r = await run();
  expect(r.error).toBeUndefined();
  expect(asg.commandCalls(SetDesiredCapacityCommand).map((c) => c.args[0].input.DesiredCapacity)).toEqual([4]);
  expect(r.lines.find((l) => typeof l.decision === 'string')!.reason).toMatch(/^raise desired to 4 now \(the live MaxSize; the plan wanted \d+\)/);
});

test('the second read before the raise fails: no raise, the plan is still scheduled, the error is reported', async () => {
  asg
    .on(DescribeAutoScalingGroupsCommand)
    .resolvesOnce({ AutoScalingGroups: [{ AutoScalingGroupName: GROUP, ...LIVE } as never] })
    .rejects(throttling());
  const r = await run();
  expectFailSafe(r, 'apply');
  expect(asg.commandCalls(SetDesiredCapacityCommand)).toHaveLength(0);
  expect(asg.commandCalls(BatchPutScheduledUpdateGroupActionCommand)).toHaveLength(1);
  expect(asg.commandCalls(BatchDeleteScheduledActionCommand)).toHaveLength(0);
});

// Last in the file: the real CloudWatch client from here on (Auto Scaling stays mocked).
describe('the SDK retries before the handler sees an error', () => {
  beforeAll(() => {
    cw.restore();
    cloudWatchMocked = false;
  });

  /**
   * An HTTP handler that answers every request with `status` and counts the attempts of the load
   * read (the optional GroupInServiceInstances read, query id `inService`, retries beside it).
   */
  function failing(status: number, code: string) {
    const h = {
      attempts: 0,
      handle: (request: { body?: unknown }) => {
        const raw = request?.body;
        const text =
          typeof raw === 'string' ? raw : raw instanceof Uint8Array ? Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('latin1') : '';
        if (!text.includes('inService')) h.attempts++;
        const body = JSON.stringify({ __type: code, message: 'injected' });
        // an HttpResponse by shape (the SDK checks responses structurally)
        return Promise.resolve({
          response: {
            statusCode: status,
            reason: code,
            headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-query-error': `${code};Sender` },
            body: Readable.from([Buffer.from(body)]),
          },
        });
      },
      updateHttpClientConfig: () => undefined,
      httpHandlerConfigs: () => ({}),
    };
    return h;
  }

  test.each([
    [503, 'ServiceUnavailable'],
    [400, 'Throttling'],
  ])(
    'HTTP %i %s on GetMetricData: retried up to AWS_MAX_ATTEMPTS, then nothing is changed',
    async (status, code) => {
      const http = failing(status, code);
      const settings = clientSettings({ AWS_MAX_ATTEMPTS: '3' });
      const cloudWatch = new CloudWatchClient({
        ...settings,
        region: 'us-east-1',
        endpoint: 'http://127.0.0.1:9',
        credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
        requestHandler: http as never,
      });
      const r = await run({ cloudWatch });
      expect(http.attempts).toBe(3);
      expectFailSafe(r, 'read');
      expect(asg.commandCalls(SetDesiredCapacityCommand)).toHaveLength(0);
      expect(asg.commandCalls(BatchPutScheduledUpdateGroupActionCommand)).toHaveLength(0);
    },
    30_000,
  );
});
