/**
 * Settings shared by the handlers' SDK v3 clients. Clients are created once per container by
 * the handlers; the endpoint comes from the standard AWS_ENDPOINT_URL variables when set (the
 * local emulator), so the handlers have no emulator-specific code.
 */
export interface ClientSettings {
  readonly maxAttempts: number;
  readonly retryMode: 'standard' | 'adaptive';
}

/**
 * The SDK's own retries (standard mode with exponential backoff and jitter) handle throttling
 * and 5xx; what still fails after them is the handler's to log, count and leave for the next run.
 */
export function clientSettings(env: Record<string, string | undefined> = process.env): ClientSettings {
  const n = Number(env.AWS_MAX_ATTEMPTS);
  return {
    maxAttempts: Number.isInteger(n) && n >= 1 && n <= 10 ? n : 4,
    retryMode: env.AWS_RETRY_MODE === 'adaptive' ? 'adaptive' : 'standard',
  };
}

/** The error's name and message, for a structured log line. */
export function describeError(e: unknown): { name: string; message: string; httpStatusCode?: number } {
  const err = e as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  return {
    name: err?.name ?? 'Error',
    message: err?.message ?? String(e),
    ...(err?.$metadata?.httpStatusCode !== undefined ? { httpStatusCode: err.$metadata.httpStatusCode } : {}),
  };
}
