/**
 * Starts and stops a local AWS emulator (moto_server) on a free loopback port.
 * Used by the emulator tests and by `npm start`. The process is started by this process (so it
 * never lingers as a zombie of a helper script) and stopped by its PID.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import * as net from 'node:net';

/** A running emulator. */
export interface MotoServer {
  readonly port: number;
  /** `http://127.0.0.1:PORT` */
  readonly endpoint: string;
  /** Environment for the SDK v3 and the CDK CLI against this emulator. */
  readonly env: Record<string, string>;
  readonly pid: number;
  /** Resets all emulator state. */
  reset(): Promise<void>;
  /** Stops the emulator and waits until its process has exited. */
  stop(): Promise<void>;
}

export const MOTO_INSTALL_HINT = "moto_server was not found on PATH. Install it with: pip install 'moto[server]'";

/** True when `moto_server` can be run. */
export function motoAvailable(): boolean {
  const r = spawnSync('moto_server', ['--help'], { stdio: 'ignore' });
  return !r.error && r.status === 0;
}

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** The environment variables that point the SDK v3 and the CDK CLI at the emulator. */
export function emulatorEnv(port: number): Record<string, string> {
  return {
    AWS_ENDPOINT_URL: `http://127.0.0.1:${port}`,
    // moto cannot parse a template URL whose host is 127.0.0.1
    AWS_ENDPOINT_URL_S3_FOR_CLOUDFORMATION: `http://localhost:${port}`,
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_SESSION_TOKEN: 'testing',
    AWS_REGION: 'us-east-1',
    AWS_DEFAULT_REGION: 'us-east-1',
    // otherwise PutMetricData bodies over 10 KiB are gzipped and moto answers 500 BadGzipFile
    AWS_DISABLE_REQUEST_COMPRESSION: 'true',
    AWS_EC2_METADATA_DISABLED: 'true',
    CDK_DISABLE_VERSION_CHECK: 'true',
    CDK_DISABLE_CLI_TELEMETRY: 'true',
  };
}

async function answers(endpoint: string): Promise<boolean> {
  try {
    const res = await fetch(`${endpoint}/moto-api/`, { signal: AbortSignal.timeout(1000) });
    return res.ok;
  } catch {
    return false;
  }
}

/**
 * Starts moto_server on a free loopback port (or `port`) and waits until it answers. `env` adds
 * variables to its environment (e.g. PYTHONPATH for moto patches).
 */
export async function startMoto(options: { port?: number; timeoutMs?: number; env?: Record<string, string> } = {}): Promise<MotoServer> {
  if (!motoAvailable()) throw new Error(MOTO_INSTALL_HINT);
  const port = options.port ?? (await freePort());
  const endpoint = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'ignore', 'pipe'],
    // Passed explicitly: under jest, `process.env` is the test's own copy, which a child does not
    // otherwise inherit (e.g. a PYTHONPATH set by the caller).
    env: { ...process.env, ...options.env },
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  let exited = false;
  const exitPromise = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exited = true;
      resolve();
    }),
  );

  const deadline = Date.now() + (options.timeoutMs ?? 120_000);
  while (!(await answers(endpoint))) {
    if (exited) throw new Error(`moto_server exited before answering on port ${port}: ${stderr.trim()}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`moto_server did not answer on port ${port} within ${options.timeoutMs ?? 120_000} ms: ${stderr.trim()}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }

  const stop = async () => {
    if (exited) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => {
      if (!exited) child.kill('SIGKILL');
    }, 5000);
    await exitPromise;
    clearTimeout(timer);
  };
  // Never leave the emulator running when this process ends.
  process.once('exit', () => {
    if (!exited) child.kill('SIGKILL');
  });

  return {
    port,
    endpoint,
    env: emulatorEnv(port),
    pid: child.pid!,
    reset: async () => {
      await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
    },
    stop,
  };
}

/**
 * Points this process's SDK clients at the emulator by setting its environment variables, and
 * returns a function that restores the previous values.
 */
export function useEmulatorEnv(server: Pick<MotoServer, 'env'>): () => void {
  const saved: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(server.env)) {
    saved[k] = process.env[k];
    process.env[k] = v;
  }
  return () => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
}
