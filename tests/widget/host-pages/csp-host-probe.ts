/**
 * What a strict-CSP host page (csp-host.ts, console-csp-host.ts) records and reports. Imported
 * first, so it listens before anything else runs: every CSP or Trusted Types violation and
 * uncaught error is kept, and `reportToFramer` posts the page's result (or its failure) with them
 * to the test page that framed it.
 */
const violations: string[] = [];
const errors: string[] = [];
document.addEventListener('securitypolicyviolation', (event) => violations.push(`${event.violatedDirective}: ${event.blockedURI || event.sample}`), true);
addEventListener('error', (event) => errors.push(String(event.message)));
addEventListener('unhandledrejection', (event) => errors.push(String(event.reason)));

/** The value `check` gives once it gives one, polled every 25 ms; fails after `timeoutMs`. */
export async function until<T>(check: () => T | null | undefined | false, what: string, timeoutMs = 10_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Posts `{ type, ok, ...result | failure, violations, errors }` to the framing page once `run` settles. */
export function reportToFramer(type: string, run: Promise<Record<string, unknown>>): void {
  run.then(
    (result) => parent.postMessage({ type, ok: true, ...result, violations, errors }, '*'),
    (error: unknown) => parent.postMessage({ type, ok: false, failure: String(error), violations, errors }, '*'),
  );
}
