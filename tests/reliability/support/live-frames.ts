/**
 * Scripts of frames for the live endpoint, as fast-check arbitraries: what a client sends, in
 * order — auth (with a real token, an expired or forged one, garbage), auth twice, subscribe
 * before or after auth with `after` of every odd kind (negative, huge, fractional, a string),
 * pings, unknown types, extra keys, `__proto__`, text that is not JSON, JSON that is not an
 * object, binary frames, frames past the size limits, and pauses between them.
 */
import fc from 'fast-check';
import { hostileString, hugeNumber, wrongValue } from './hostile-values.ts';

export type FrameStep =
  | { kind: 'text'; text: string; label: string }
  | { kind: 'binary'; bytes: Uint8Array; label: string }
  | { kind: 'pause'; ms: number; label: string };

export interface FrameTokens {
  valid: string[];
  invalid: string[];
}

const json = (value: unknown) => JSON.stringify(value);

export function frameSteps(tokens: FrameTokens): fc.Arbitrary<FrameStep> {
  const text = (label: string, arbitrary: fc.Arbitrary<string>) => arbitrary.map((t): FrameStep => ({ kind: 'text', text: t, label }));
  const afterValue = fc.oneof(fc.nat({ max: 1000 }), hugeNumber, fc.constantFrom(-1, -0.5, 1.5, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER + 2), wrongValue);
  return fc.oneof(
    { weight: 4, arbitrary: text('auth', fc.constantFrom(...tokens.valid).map((token) => json({ type: 'auth', token }))) },
    { weight: 2, arbitrary: text('auth with a bad token', fc.oneof(fc.constantFrom(...tokens.invalid), hostileString, fc.string({ maxLength: 40 })).map((token) => json({ type: 'auth', token }))) },
    { weight: 1, arbitrary: text('auth of a wrong type', wrongValue.map((token) => json({ type: 'auth', token }))) },
    { weight: 4, arbitrary: text('subscribe', fc.option(fc.nat({ max: 50 }), { nil: undefined }).map((after) => json(after === undefined ? { type: 'subscribe' } : { type: 'subscribe', after }))) },
    { weight: 2, arbitrary: text('subscribe with an odd after', afterValue.map((after) => json({ type: 'subscribe', after }))) },
    { weight: 2, arbitrary: text('ping', fc.constant(json({ type: 'ping' }))) },
    { weight: 1, arbitrary: text('unknown type', fc.oneof(fc.string({ maxLength: 12 }), wrongValue).map((type) => json({ type }))) },
    { weight: 1, arbitrary: text('extra keys', fc.tuple(fc.constantFrom('__proto__', 'constructor', 'token', 'x'), wrongValue).map(([key, value]) => `{"type":"ping","${key}":${json(value) ?? 'null'}}`)) },
    { weight: 1, arbitrary: text('__proto__', fc.constantFrom(...tokens.valid).map((token) => `{"__proto__":{"type":"auth"},"type":"auth","token":${json(token)}}`)) },
    { weight: 1, arbitrary: text('not JSON', fc.oneof(fc.string({ maxLength: 60 }), fc.string({ unit: 'binary', maxLength: 60 }), fc.constantFrom('', '{', 'null', '[]', '42', '"auth"', '{"type":"auth"'))) },
    { weight: 1, arbitrary: text('JSON of the wrong shape', fc.jsonValue({ maxDepth: 2 }).map((value) => json(value) ?? 'null')) },
    { weight: 1, arbitrary: text('huge', fc.constantFrom(16 * 1024 + 1, 60 * 1024, 70 * 1024, 200 * 1024).map((size) => json({ type: 'ping', pad: 'x'.repeat(size) }))) },
    { weight: 1, arbitrary: text('deeply nested', fc.constantFrom('['.repeat(5000) + ']'.repeat(5000), '{"a":'.repeat(3000) + '1' + '}'.repeat(3000))) },
    { weight: 2, arbitrary: fc.oneof(fc.uint8Array({ maxLength: 64 }), fc.constant(new TextEncoder().encode(json({ type: 'ping' })))).map((bytes): FrameStep => ({ kind: 'binary', bytes, label: 'binary' })) },
    { weight: 2, arbitrary: fc.integer({ min: 0, max: 30 }).map((ms): FrameStep => ({ kind: 'pause', ms, label: 'pause' })) },
  );
}

/** Scripts: frames drawn freely, or a proper opening (auth, subscribe from some point) followed by them. */
export function frameScripts(tokens: FrameTokens): fc.Arbitrary<FrameStep[]> {
  const steps = frameSteps(tokens);
  const opening = fc.tuple(
    fc.constantFrom(...tokens.valid).map((token): FrameStep => ({ kind: 'text', text: json({ type: 'auth', token }), label: 'auth' })),
    fc.option(fc.nat({ max: 20 }), { nil: undefined }).map((after): FrameStep => ({ kind: 'text', text: json(after === undefined ? { type: 'subscribe' } : { type: 'subscribe', after }), label: 'subscribe' })),
  );
  return fc.oneof(
    fc.array(steps, { minLength: 1, maxLength: 6 }),
    fc.tuple(opening, fc.array(steps, { maxLength: 4 })).map(([[auth, subscribe], rest]) => [auth, subscribe, ...rest]),
  );
}

/** Whether a text frame is a well-formed auth frame carrying one of the valid tokens. */
export function isValidAuth(step: FrameStep, validTokens: readonly string[]): boolean {
  if (step.kind !== 'text') return false;
  try {
    const frame = JSON.parse(step.text) as { type?: unknown; token?: unknown };
    return frame.type === 'auth' && typeof frame.token === 'string' && validTokens.includes(frame.token) && Object.keys(frame).length === 2;
  } catch {
    return false;
  }
}
