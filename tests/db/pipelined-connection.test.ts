/**
 * The loss signal of a pipelined transaction (db/pipelined-connection.ts): a statement still
 * pending when the connection is lost settles with the loss, and one that settled is forgotten at
 * once, so nothing of a finished statement (its rows) stays reachable from the transaction.
 */
import { describe, expect, it } from 'vitest';
import { newPipelineState, settledOnLoss } from '../../db/pipelined-connection.ts';

const lost = Object.assign(new Error('connection lost'), { code: 'CONNECTION_CLOSED' });

describe('the pipeline state tells a lost connection', () => {
  it('rejects a statement still pending when the connection is lost', async () => {
    const state = newPipelineState();
    const pending = settledOnLoss(new Promise<never>(() => {}), state);
    state.loseConnection(lost);
    await expect(pending).rejects.toBe(lost);
    expect(state).toMatchObject({ lost: true, failed: true });
  });

  it('answers a statement that settled with its own result, even if the connection is lost later', async () => {
    const state = newPipelineState();
    const rows = [{ id: 1 }];
    const statement = settledOnLoss(Promise.resolve(rows), state);
    await expect(statement).resolves.toBe(rows);
    state.loseConnection(lost);
    await expect(statement).resolves.toBe(rows);
  });

  it('forgets a listener once its statement settled: the loss no longer reaches it', () => {
    const state = newPipelineState();
    const heard: unknown[] = [];
    const forget = state.onLoss((error) => heard.push(error));
    forget();
    state.loseConnection(lost);
    expect(heard).toEqual([]);
  });

  it('tells a listener added after the loss at once, and each listener only once', () => {
    const state = newPipelineState();
    const heard: unknown[] = [];
    state.onLoss((error) => heard.push(error));
    state.loseConnection(lost);
    state.loseConnection(new Error('a second report of the same loss'));
    state.onLoss((error) => heard.push(error));
    expect(heard).toEqual([lost, lost]);
  });
});
