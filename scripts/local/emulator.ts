/**
 * Starts moto_server for the local run with `startMoto()` (scripts/moto-server.ts), with this
 * folder's `moto-patches` on PYTHONPATH so that Python loads moto-patches/sitecustomize.py into
 * it: a one-pass GetMetricData, and fixes that let moto's CloudFormation deploy the stacks.
 */
import * as path from 'node:path';
import { type MotoServer, startMoto } from '../moto-server';

export const MOTO_PATCHES_DIR = path.join(__dirname, 'moto-patches');

export function startLocalEmulator(options: { port?: number } = {}): Promise<MotoServer> {
  const existing = process.env.PYTHONPATH;
  return startMoto({
    port: options.port,
    env: { PYTHONPATH: existing ? `${MOTO_PATCHES_DIR}${path.delimiter}${existing}` : MOTO_PATCHES_DIR },
  });
}
