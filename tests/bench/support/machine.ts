/** What the benches print about the machine they ran on. */
import { cpus, loadavg, totalmem } from 'node:os';

/** "2 CPUs (model), 8 GiB RAM, Node v24.x"; `model: false` leaves the CPU model out. */
export function machineSummary(options: { model?: boolean } = {}): string {
  const model = options.model === false ? '' : ` (${cpus()[0]?.model.trim()})`;
  return `${cpus().length} CPUs${model}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM, Node ${process.version}`;
}

/** The 1, 5 and 15 minute load averages, two decimals each. */
export function loadAverage(): string {
  return loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');
}
