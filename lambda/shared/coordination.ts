/**
 * The lease both scaler functions take on a group before they read it to act, and the key that
 * signs the cost optimizer's state: one item per group in the coordination table (DynamoDB), which
 * only the two functions' roles may read or write.
 *
 * - Acquire: one conditional UpdateItem. It succeeds when nobody holds the lease, when the holder
 *   is this function (reserved concurrency 1: its own earlier run has ended, e.g. died), or when the
 *   lease expired (a run of the other function died holding it; the lease lasts the function's
 *   timeout and a margin). The same call creates the state key on first use and returns it.
 * - Busy: the other function holds the lease: try again every second for a while (its run takes
 *   seconds), then skip the run (counted, nothing changed).
 * - Release: a conditional UpdateItem on this run's id; a lease taken over after expiry is not
 *   released by the run that lost it.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { ConditionalCheckFailedException, type DynamoDBClient, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { COORDINATION_PARTITION_KEY, COORDINATION_TABLE_ENV, LEASE_SECONDS_ENV } from '../contract/coordination';
import { numberEnv } from './config';

/** Which function takes the lease. */
export type LeaseOwner = 'cost-optimizer' | 'predictive-scaler';

export interface LeaseOptions {
  readonly ddb: DynamoDBClient;
  readonly table: string;
  readonly groupName: string;
  readonly owner: LeaseOwner;
  /** Wall clock (epoch ms): lease expiry is real time, never the event's. */
  readonly wallClock: () => number;
  readonly leaseMs: number;
  /** Tries while the other function holds the lease (one a second). */
  readonly attempts?: number;
  readonly sleep?: (ms: number) => Promise<void>;
}

/** A lease held by this run. */
export interface Lease {
  readonly runId: string;
  /** The key that signs the cost optimizer's state (base64). */
  readonly stateKey: string;
  /** Gives the lease back (errors are the caller's to log; the lease then expires by itself). */
  release(): Promise<void>;
}

/** The lease could not be taken: the other function held it on every try. */
export interface LeaseBusy {
  readonly busy: true;
  readonly holder: string;
  readonly attempts: number;
}

const realSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Takes the group's lease, waiting while the other function holds it. */
export async function acquireLease(o: LeaseOptions): Promise<Lease | LeaseBusy> {
  const runId = `${o.owner}/${randomUUID()}`;
  const attempts = o.attempts ?? 20;
  const sleep = o.sleep ?? realSleep;
  const key = { [COORDINATION_PARTITION_KEY]: { S: o.groupName } };
  for (let i = 1; ; i++) {
    const now = o.wallClock();
    try {
      const res = await o.ddb.send(
        new UpdateItemCommand({
          TableName: o.table,
          Key: key,
          UpdateExpression: 'SET holder = :me, runId = :run, expiresAt = :exp, stateKey = if_not_exists(stateKey, :newKey)',
          ConditionExpression: 'attribute_not_exists(holder) OR holder = :me OR expiresAt < :now',
          ExpressionAttributeValues: {
            ':me': { S: o.owner },
            ':run': { S: runId },
            ':exp': { N: String(now + o.leaseMs) },
            ':now': { N: String(now) },
            ':newKey': { S: randomBytes(32).toString('base64') },
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      const stateKey = res.Attributes?.stateKey?.S;
      if (!stateKey) throw new Error(`coordination table ${o.table}: the lease item has no state key`);
      return {
        runId,
        stateKey,
        release: async () => {
          try {
            await o.ddb.send(
              new UpdateItemCommand({
                TableName: o.table,
                Key: key,
                UpdateExpression: 'REMOVE holder, runId, expiresAt',
                ConditionExpression: 'runId = :run',
                ExpressionAttributeValues: { ':run': { S: runId } },
              }),
            );
          } catch (e) {
            // Taken over after it expired: not ours to release any more.
            if (!(e instanceof ConditionalCheckFailedException) && (e as Error).name !== 'ConditionalCheckFailedException') throw e;
          }
        },
      };
    } catch (e) {
      if (!(e instanceof ConditionalCheckFailedException) && (e as Error).name !== 'ConditionalCheckFailedException') throw e;
      const holder = o.owner === 'cost-optimizer' ? 'predictive-scaler' : 'cost-optimizer';
      if (i >= attempts) return { busy: true, holder, attempts: i };
      await sleep(1000);
    }
  }
}

export const isBusy = (l: Lease | LeaseBusy): l is LeaseBusy => 'busy' in l;

/** The coordination settings the construct hands down (absent in a deployment from before them). */
export interface CoordinationConfig {
  readonly table: string;
  readonly leaseMs: number;
}

/** Reads {@link COORDINATION_TABLE_ENV} and {@link LEASE_SECONDS_ENV}; undefined when no table is configured. */
export function coordinationFromEnv(env: Record<string, string | undefined>): CoordinationConfig | undefined {
  const table = env[COORDINATION_TABLE_ENV]?.trim();
  if (!table) return undefined;
  return { table, leaseMs: numberEnv(env, LEASE_SECONDS_ENV, { default: 300, min: 10, max: 1800 }) * 1000 };
}
