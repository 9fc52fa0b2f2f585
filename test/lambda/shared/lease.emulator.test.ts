/**
 * The group's lease and state key (lambda/shared/coordination.ts) against DynamoDB as moto_server
 * emulates it: the conditional writes the two scaler functions rely on to never act on one group
 * at the same time (the fake group of the fault harness mirrors these semantics), and the state
 * signature that makes the cost optimizer trust only the state it wrote.
 */
import { CreateTableCommand, DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { type MotoServer, startMoto, useEmulatorEnv } from '../../../scripts/moto-server';
import { COORDINATION_PARTITION_KEY } from '../../../lambda/contract/coordination';
import { acquireLease, isBusy, type Lease } from '../../../lambda/shared/coordination';
import { signState, verifyState } from '../../../lambda/shared/state-signature';

let moto: MotoServer;
let restoreEnv: () => void;
let ddb: DynamoDBClient;
const TABLE = 'coordination';

beforeAll(async () => {
  moto = await startMoto();
  restoreEnv = useEmulatorEnv(moto);
  ddb = new DynamoDBClient({});
  await ddb.send(
    new CreateTableCommand({
      TableName: TABLE,
      AttributeDefinitions: [{ AttributeName: COORDINATION_PARTITION_KEY, AttributeType: 'S' }],
      KeySchema: [{ AttributeName: COORDINATION_PARTITION_KEY, KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
});
afterAll(async () => {
  restoreEnv?.();
  await moto?.stop();
});

const T0 = Date.parse('2026-12-07T08:00:00Z');
const take = (owner: 'cost-optimizer' | 'predictive-scaler', at: number, group = 'web', leaseMs = 150_000) =>
  acquireLease({ ddb, table: TABLE, groupName: group, owner, wallClock: () => at, leaseMs, attempts: 3, sleep: () => Promise.resolve() });

test('one function at a time: the other waits, then skips; a released lease is free; the state key is created once', async () => {
  const cost = await take('cost-optimizer', T0);
  expect(isBusy(cost)).toBe(false);
  const key = (cost as Lease).stateKey;
  expect(Buffer.from(key, 'base64')).toHaveLength(32);
  expect(await take('predictive-scaler', T0 + 1000)).toEqual({ busy: true, holder: 'cost-optimizer', attempts: 3 });
  await (cost as Lease).release();
  const scaler = await take('predictive-scaler', T0 + 2000);
  expect(isBusy(scaler)).toBe(false);
  expect((scaler as Lease).stateKey).toBe(key);
  await (scaler as Lease).release();
  const item = await ddb.send(new GetItemCommand({ TableName: TABLE, Key: { [COORDINATION_PARTITION_KEY]: { S: 'web' } } }));
  expect(Object.keys(item.Item!).sort()).toEqual([COORDINATION_PARTITION_KEY, 'stateKey']);
  // Another group has its own lease and key.
  const other = await take('predictive-scaler', T0, 'api');
  expect(isBusy(other)).toBe(false);
  expect((other as Lease).stateKey).not.toBe(key);
});

test('a run that died holding the lease: its own function retakes it at once, the other after it expired', async () => {
  const dead = await take('cost-optimizer', T0, 'died');
  expect(isBusy(dead)).toBe(false); // never released
  expect(isBusy(await take('predictive-scaler', T0 + 60_000, 'died'))).toBe(true);
  const again = await take('cost-optimizer', T0 + 60_000, 'died'); // reserved concurrency 1: the earlier run has ended
  expect(isBusy(again)).toBe(false);
  const expired = await take('predictive-scaler', T0 + 60_000 + 150_001, 'died');
  expect(isBusy(expired)).toBe(false);
  // The run that lost its lease does not release the new holder's.
  await (again as Lease).release();
  expect(await take('cost-optimizer', T0 + 60_000 + 150_002, 'died')).toMatchObject({ busy: true, holder: 'predictive-scaler' });
});

test('the state signature: only a value signed with the key for this group verifies', () => {
  const key = Buffer.alloc(32, 7).toString('base64');
  const text = '{"v":1,"c":3}';
  const signed = signState(text, key, 'web');
  expect(signed.length).toBe(text.length + 29);
  expect(verifyState(signed, key, 'web')).toEqual({ text, trusted: true });
  expect(verifyState(signed, key, 'api').trusted).toBe(false);
  expect(verifyState(signed.replace('"c":3', '"c":1'), key, 'web').trusted).toBe(false);
  expect(verifyState(text, key, 'web')).toEqual({ text, trusted: false });
  expect(verifyState(signed, Buffer.alloc(32, 8).toString('base64'), 'web').trusted).toBe(false);
});
