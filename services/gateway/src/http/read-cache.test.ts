import { gunzipSync } from 'node:zlib';
import { ReadCache, cacheScope } from './read-cache';
import { sendJson } from './send-json';

const scopes = [cacheScope.account('acc_1'), cacheScope.inbox('acc_1', 'inb_1'), cacheScope.user('acc_1', 'usr_1')];
const text = (body: { json: Buffer }) => JSON.parse(body.json.toString());

/** A load that finishes when told, answering the state at that moment. */
function deferredLoad(state: { value: number }) {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const load = jest.fn(async () => {
    const seen = state.value;
    await gate;
    return { value: seen };
  });
  return { load, release };
}

describe('the read cache', () => {
  let clock = 0;
  const now = () => clock;

  beforeEach(() => {
    clock = 0;
  });

  it('serves a kept answer until its lifetime ends, then loads again', async () => {
    const cache = new ReadCache(1000, 1_000_000, now);
    const load = jest.fn(async () => ({ items: [1, 2] }));
    expect(text(await cache.get('k', scopes, load))).toEqual({ items: [1, 2] });
    await cache.get('k', scopes, load);
    expect(load).toHaveBeenCalledTimes(1);
    clock = 1000;
    await cache.get('k', scopes, load);
    expect(load).toHaveBeenCalledTimes(2);
    expect(cache.stats()).toMatchObject({ hits: 1, misses: 2, size: 1 });
  });

  it('drops an answer when any of its scopes changes, and only those answers', async () => {
    const cache = new ReadCache(60_000, 1_000_000, now);
    const state = { value: 1 };
    const load = jest.fn(async () => ({ value: state.value }));
    const other = jest.fn(async () => ({ other: true }));
    await cache.get('k', scopes, load);
    await cache.get('other', [cacheScope.inbox('acc_1', 'inb_2')], other);
    state.value = 2;
    cache.invalidate(cacheScope.inbox('acc_1', 'inb_1'));
    expect(text(await cache.get('k', scopes, load))).toEqual({ value: 2 });
    await cache.get('other', [cacheScope.inbox('acc_1', 'inb_2')], other);
    expect(other).toHaveBeenCalledTimes(1);
    state.value = 3;
    cache.invalidate(cacheScope.user('acc_1', 'usr_1'));
    expect(text(await cache.get('k', scopes, load))).toEqual({ value: 3 });
    state.value = 4;
    cache.invalidateAll();
    expect(text(await cache.get('k', scopes, load))).toEqual({ value: 4 });
  });

  it('does not keep an answer whose load began before a change seen while it ran', async () => {
    const cache = new ReadCache(60_000, 1_000_000, now);
    const state = { value: 1 };
    const first = deferredLoad(state);
    const pending = cache.get('k', scopes, first.load);
    // The change commits and is seen while the first query is still on its way.
    state.value = 2;
    cache.invalidate(cacheScope.inbox('acc_1', 'inb_1'));
    first.release();
    expect(text(await pending)).toEqual({ value: 1 });
    const again = jest.fn(async () => ({ value: state.value }));
    expect(text(await cache.get('k', scopes, again))).toEqual({ value: 2 });
    expect(again).toHaveBeenCalledTimes(1);
  });

  it('does not hand a request made after a change the answer of a load begun before it', async () => {
    const cache = new ReadCache(60_000, 1_000_000, now);
    const state = { value: 1 };
    const first = deferredLoad(state);
    const before = cache.get('k', scopes, first.load);
    state.value = 2;
    cache.invalidate(cacheScope.account('acc_1'));
    const after = cache.get('k', scopes, async () => ({ value: state.value }));
    first.release();
    expect(text(await before)).toEqual({ value: 1 });
    expect(text(await after)).toEqual({ value: 2 });
  });

  it('shares one load between requests made with nothing changed between them', async () => {
    const cache = new ReadCache(60_000, 1_000_000, now);
    const first = deferredLoad({ value: 1 });
    const both = Promise.all([cache.get('k', scopes, first.load), cache.get('k', scopes, first.load)]);
    first.release();
    await both;
    expect(first.load).toHaveBeenCalledTimes(1);
  });

  it('keeps at most its bound of bytes, the oldest leaving first', async () => {
    const cache = new ReadCache(60_000, 50, now);
    // Each answer is 12 bytes of JSON: four fit in 50, the fifth pushes the first out.
    const answer = (key: string) => async () => key.repeat(10);
    for (const key of ['a', 'b', 'c', 'd', 'e']) await cache.get(key, scopes, answer(key));
    expect(cache.stats()).toMatchObject({ size: 4, bytes: 48 });
    const reloaded = jest.fn(answer('a'));
    await cache.get('a', scopes, reloaded);
    expect(reloaded).toHaveBeenCalledTimes(1);
    await cache.get('e', scopes, reloaded);
    expect(reloaded).toHaveBeenCalledTimes(1);
    // An answer above a quarter of the bound is served but not kept.
    const large = jest.fn(async () => 'x'.repeat(20));
    await cache.get('large', scopes, large);
    await cache.get('large', scopes, large);
    expect(large).toHaveBeenCalledTimes(2);
  });

  it('sweeps expired answers out, freeing their bytes, and keeps the fresh ones', async () => {
    const cache = new ReadCache(1000, 1_000_000, now);
    await cache.get('old', scopes, async () => 'old answer');
    clock = 600;
    await cache.get('new', scopes, async () => 'new answer');
    cache.sweep();
    expect(cache.stats()).toMatchObject({ size: 2, bytes: 24 });
    clock = 1000;
    cache.sweep();
    expect(cache.stats()).toMatchObject({ size: 1, bytes: 12 });
    const reloaded = jest.fn(async () => 'new answer');
    await cache.get('new', scopes, reloaded);
    expect(reloaded).not.toHaveBeenCalled();
    clock = 1600;
    cache.sweep();
    expect(cache.stats()).toMatchObject({ size: 0, bytes: 0 });
  });

  it('after a sweep that empties it, still drops an answer on a change of its scope', async () => {
    const cache = new ReadCache(1000, 1_000_000, now);
    const state = { value: 1 };
    const load = jest.fn(async () => ({ value: state.value }));
    await cache.get('k', scopes, load);
    cache.invalidate(cacheScope.inbox('acc_1', 'inb_1'));
    clock = 1000;
    cache.sweep();
    await cache.get('k', scopes, load);
    await cache.get('k', scopes, load);
    expect(load).toHaveBeenCalledTimes(2);
    state.value = 2;
    cache.invalidate(cacheScope.inbox('acc_1', 'inb_1'));
    expect(text(await cache.get('k', scopes, load))).toEqual({ value: 2 });
  });

  it('does not sweep the scope clocks a load still running needs', async () => {
    const cache = new ReadCache(1000, 1_000_000, now);
    const state = { value: 1 };
    const first = deferredLoad(state);
    const pending = cache.get('k', scopes, first.load);
    state.value = 2;
    cache.invalidate(cacheScope.inbox('acc_1', 'inb_1'));
    cache.sweep();
    first.release();
    expect(text(await pending)).toEqual({ value: 1 });
    // The answer loaded before the change was not kept.
    expect(text(await cache.get('k', scopes, async () => ({ value: state.value })))).toEqual({ value: 2 });
  });

  it('gzips an answer once, to the same JSON', async () => {
    const cache = new ReadCache(60_000, 1_000_000, now);
    const body = await cache.get('k', scopes, async () => ({ items: Array.from({ length: 100 }, (_, i) => ({ id: `con_${i}` })) }));
    const sent: Buffer[] = [];
    const headers: Record<string, unknown> = {};
    const res = { status: () => res, setHeader: (k: string, v: unknown) => (headers[k] = v), end: (b: Buffer) => sent.push(b) };
    const req = { acceptsEncodings: () => 'gzip' };
    await sendJson(req as never, res as never, 200, body);
    await sendJson(req as never, res as never, 200, body);
    expect(headers['Content-Encoding']).toBe('gzip');
    expect(sent[0]).toBe(sent[1]);
    expect(gunzipSync(sent[0]).equals(body.json)).toBe(true);
  });
});
