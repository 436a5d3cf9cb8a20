/** The benches' knobs from the environment: a missing or empty variable takes the default, anything else must parse. */

/** A positive integer; `_` may group digits (BENCH_TICKETS=1_000_000). */
export function intFromEnv(name: string, fallback: number): number {
  const value = process.env[name]?.trim();
  if (!value) return fallback;
  const parsed = Number(value.replaceAll('_', ''));
  if (!Number.isInteger(parsed) || parsed <= 0) throw new Error(`${name} must be a positive integer, got ${value}`);
  return parsed;
}

/** A finite number, zero or more. */
export function numberFromEnv(name: string, fallback: number): number {
  const value = process.env[name]?.trim();
  if (!value) return fallback;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < 0) throw new Error(`${name} must be a non-negative number, got ${value}`);
  return parsed;
}
