/**
 * A bench's clean-up (stop its children, drop its database), run once however the bench ends:
 * from its own `finally`, or on Ctrl-C / SIGTERM, after which the process exits with 130.
 */
export function cleanUpOnExit(cleanUp: () => Promise<void>, options: { onSignal?: (signal: NodeJS.Signals) => void } = {}): () => Promise<void> {
  let cleaning: Promise<void> | undefined;
  const once = () => (cleaning ??= cleanUp());
  const onSignal = (signal: NodeJS.Signals) => {
    options.onSignal?.(signal);
    console.error(`\n${signal}: cleaning up`);
    void once().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  return once;
}
