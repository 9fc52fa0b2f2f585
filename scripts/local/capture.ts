/**
 * Runs a Lambda handler in-process and captures what it prints (Powertools' JSON log lines and
 * EMF metric lines), as Lambda would send it to CloudWatch Logs, instead of mixing it into the
 * local run's own output. Then reads the captured lines: EMF records become metric datapoints
 * (what CloudWatch extracts from them in AWS), other JSON lines are log records.
 */

/** One metric datapoint read from an EMF record. */
export interface EmfDatapoint {
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Record<string, string>;
  readonly timestamp: number;
  readonly value: number;
  readonly unit?: string;
}

/** What a captured run printed. */
export interface CapturedOutput {
  /** JSON log records (not EMF). */
  readonly logs: Record<string, unknown>[];
  /** Datapoints from EMF records. */
  readonly metrics: EmfDatapoint[];
  /** Lines that were not JSON. */
  readonly text: string[];
}

/** Runs `fn` with process.stdout and process.stderr captured; restores them even when it throws. */
export async function captureOutput<T>(fn: () => Promise<T>): Promise<{ result?: T; error?: unknown; output: CapturedOutput }> {
  const chunks: string[] = [];
  // bound, so that restoring them writes to the same stream whoever calls them
  const out = process.stdout.write.bind(process.stdout);
  const err = process.stderr.write.bind(process.stderr);
  const capture = ((chunk: unknown, encoding?: unknown, cb?: unknown) => {
    chunks.push(
      typeof chunk === 'string'
        ? chunk
        : Buffer.from(chunk as Uint8Array).toString(typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8'),
    );
    const done = typeof encoding === 'function' ? encoding : cb;
    if (typeof done === 'function') (done as () => void)();
    return true;
  }) as typeof process.stdout.write;
  process.stdout.write = capture;
  process.stderr.write = capture;
  try {
    const result = await fn();
    return { result, output: parseOutput(chunks.join('')) };
  } catch (error) {
    return { error, output: parseOutput(chunks.join('')) };
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
  }
}

interface EmfRecord {
  _aws?: {
    Timestamp?: number;
    CloudWatchMetrics?: Array<{ Namespace: string; Dimensions?: string[][]; Metrics?: Array<{ Name: string; Unit?: string }> }>;
  };
  [key: string]: unknown;
}

/** Splits printed text into log records, EMF datapoints and other lines. */
export function parseOutput(text: string): CapturedOutput {
  const logs: Record<string, unknown>[] = [];
  const metrics: EmfDatapoint[] = [];
  const other: string[] = [];
  for (const line of text.split('\n')) {
    const t = line.trim();
    if (t === '') continue;
    let rec: EmfRecord;
    try {
      rec = JSON.parse(t) as EmfRecord;
    } catch {
      other.push(t);
      continue;
    }
    if (rec === null || typeof rec !== 'object') {
      other.push(t);
      continue;
    }
    const cw = rec._aws?.CloudWatchMetrics;
    if (!cw) {
      logs.push(rec);
      continue;
    }
    const timestamp = rec._aws?.Timestamp ?? Date.now();
    for (const directive of cw) {
      for (const dimSet of directive.Dimensions ?? [[]]) {
        const dimensions: Record<string, string> = {};
        for (const d of dimSet) dimensions[d] = String(rec[d]);
        for (const m of directive.Metrics ?? []) {
          const raw = rec[m.Name];
          for (const v of Array.isArray(raw) ? raw : [raw]) {
            if (typeof v === 'number' && Number.isFinite(v)) {
              metrics.push({ namespace: directive.Namespace, metricName: m.Name, dimensions, timestamp, value: v, unit: m.Unit });
            }
          }
        }
      }
    }
  }
  return { logs, metrics, text: other };
}
