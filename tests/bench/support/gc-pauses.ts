/** This process's garbage-collection pauses, as the benchmarks report them beside their latencies. */
import { PerformanceObserver } from 'node:perf_hooks';

export interface GcPause {
  /** performance.now() when the pause began. */
  start: number;
  ms: number;
}

export interface GcSummary {
  count: number;
  maxMs: number;
  totalMs: number;
}

/** Records every pause from now on; `pauses()` includes those not yet handed to the observer's callback. */
export function recordGcPauses() {
  const recorded: GcPause[] = [];
  const take = (entries: PerformanceEntry[]) => {
    for (const entry of entries) recorded.push({ start: entry.startTime, ms: entry.duration });
  };
  const observer = new PerformanceObserver((list) => take(list.getEntries()));
  observer.observe({ entryTypes: ['gc'] });
  return {
    pauses(): GcPause[] {
      take(observer.takeRecords());
      return recorded;
    },
    /** Forgets every pause so far. */
    reset(): void {
      observer.takeRecords();
      recorded.length = 0;
    },
    stop(): void {
      take(observer.takeRecords());
      observer.disconnect();
    },
  };
}

export function summarizeGcPauses(pauses: readonly GcPause[]): GcSummary {
  return { count: pauses.length, maxMs: Math.max(0, ...pauses.map((pause) => pause.ms)), totalMs: pauses.reduce((sum, pause) => sum + pause.ms, 0) };
}
