/**
 * CPU accounting from /proc (Linux): the server process, the load process, the PostgreSQL
 * backends of the bench database, and the whole machine. The machine is shared: whatever else
 * runs shows as the difference between the machine and the three.
 */
import { readdirSync, readFileSync } from 'node:fs';

const clockTicks = 100;

/** User + system CPU seconds of a process so far (0 when it is gone or unknown). */
export function processCpuSeconds(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / clockTicks;
  } catch {
    return 0;
  }
}

/** CPU seconds of the PostgreSQL backends connected to `database` (their process title names it). */
export function backendCpuSeconds(database: string): number {
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() !== 'postgres') continue;
      const title = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' ');
      if (title.includes(` ${database} `)) total += processCpuSeconds(Number(entry));
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return total;
}

/** CPU seconds the whole machine has been busy (all cores, everything but idle and iowait). */
export function machineBusySeconds(): number {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
  const values = line.trim().split(/\s+/).slice(1).map(Number);
  const idle = (values[3] ?? 0) + (values[4] ?? 0);
  return (values.reduce((a, b) => a + b, 0) - idle) / clockTicks;
}

/** CPU seconds so far (a snapshot), or spent in a window (cpuBetween); `wall` is seconds of wall time. */
export interface Cpu {
  wall: number;
  server: number;
  postgres: number;
  load: number;
  machine: number;
}

export function cpuSnapshot(serverPid: number | undefined, loadPid: number | undefined, database: string): Cpu {
  return { wall: performance.now() / 1000, server: processCpuSeconds(serverPid), postgres: backendCpuSeconds(database), load: processCpuSeconds(loadPid), machine: machineBusySeconds() };
}

export function cpuBetween(a: Cpu, b: Cpu): Cpu {
  return { wall: b.wall - a.wall, server: b.server - a.server, postgres: b.postgres - a.postgres, load: b.load - a.load, machine: b.machine - a.machine };
}

/** Waits (up to maxSeconds) until the machine is nearly idle, so a run does not start inside someone else's. */
export async function waitForQuiet(maxSeconds: number, thresholdCores = 0.3): Promise<{ waited: number; busy: number }> {
  const started = performance.now();
  for (;;) {
    const before = machineBusySeconds();
    await new Promise((r) => setTimeout(r, 1000));
    const busy = machineBusySeconds() - before;
    const waited = (performance.now() - started) / 1000;
    if (busy <= thresholdCores || waited >= maxSeconds) return { waited, busy };
  }
}
