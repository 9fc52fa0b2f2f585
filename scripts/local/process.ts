/**
 * Runs the command-line tools the local run drives (the CDK CLI) as child processes of
 * this process, with their output kept in a log file, and stops any still running on exit.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';

const running = new Set<ChildProcess>();

/** Stops every child process started by {@link run} that is still running. */
export function stopChildren(): void {
  for (const child of running) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  }
}

/** What a finished command printed. */
export interface RunResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly seconds: number;
}

/** Options of {@link run}. */
export interface RunOptions {
  /** Environment variables added to this process's environment. */
  readonly env?: Record<string, string>;
  readonly cwd?: string;
  /** Appends the command line and its output to this file. */
  readonly logFile?: string;
}

/** Runs `command args` and resolves with its output, or rejects with the end of its output. */
export function run(command: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    running.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.once('error', (e) => {
      running.delete(child);
      reject(new Error(`cannot run ${command}: ${e.message}`));
    });
    child.once('close', (code, signal) => {
      running.delete(child);
      const seconds = (Date.now() - started) / 1000;
      if (options.logFile) {
        fs.appendFileSync(
          options.logFile,
          `$ ${command} ${args.join(' ')}\n${stdout}${stderr}\n# exit ${code ?? signal} after ${seconds.toFixed(1)} s\n\n`,
        );
      }
      if (code === 0) resolve({ stdout, stderr, seconds });
      else {
        const tail = (stderr.trim() || stdout.trim()).split('\n').slice(-25).join('\n');
        reject(new Error(`${command} ${args.slice(0, 3).join(' ')} failed (${code ?? signal}):\n${tail}`));
      }
    });
  });
}
