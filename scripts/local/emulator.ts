/**
 * Starts moto_server for the local run with `startMoto()` (scripts/moto-server.ts), with this
 * folder's `moto-patches` on PYTHONPATH so that Python loads the one-pass GetMetricData
 * (moto-patches/sitecustomize.py) into it.
 */
import * as path from 'node:path';
import { MotoServer, startMoto } from '../moto-server';

export const MOTO_PATCHES_DIR = path.join(__dirname, 'moto-patches');

export async function startLocalEmulator(options: { port?: number } = {}): Promise<MotoServer> {
  const saved = process.env.PYTHONPATH;
  process.env.PYTHONPATH = saved ? `${MOTO_PATCHES_DIR}${path.delimiter}${saved}` : MOTO_PATCHES_DIR;
  try {
    return await startMoto({ port: options.port });
  } finally {
    if (saved === undefined) delete process.env.PYTHONPATH; else process.env.PYTHONPATH = saved;
  }
}
