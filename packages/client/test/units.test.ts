import { describe, expect, it, vi } from 'vitest';
import { backoffDelay, retryLaterDelay } from '../src/backoff.js';
import {
  TRANSITIONS,
  canTransition,
  stateChange,
  type ClientState,
  type StateChange,
} from '../src/state.js';
import { resolveUrl } from '../src/url.js';
import { resolveOptions, DEFAULT_CLIENT_OPTIONS } from '../src/options.js';
import { AckwireClientError } from '../src/errors.js';
import { randomClientId } from '../src/client-id.js';
import { encodeEnvelope, validatedNames } from '../src/encoding.js';
import { seededRandom } from './fake-clock.js';
import { CloseCode } from '@ackwire/protocol';
import * as closePolicy from '../src/close-policy.js';

describe('backoff', () => {
  const settings = { baseMs: 500, capMs: 10_000 };
  const defaults = {
    baseMs: DEFAULT_CLIENT_OPTIONS.backoffBaseMs,
    capMs: DEFAULT_CLIENT_OPTIONS.backoffCapMs,
    retryLaterJitterMs: DEFAULT_CLIENT_OPTIONS.retryLaterJitterMs,
  };

  it('draws the first retry from [0, base)', () => {
    expect(backoffDelay(0, settings, () => 0)).toBe(0);
    expect(backoffDelay(0, settings, () => 0.999999)).toBe(499);
  });

  it('spreads a crash by default: no 100 ms window holds over 5% of 1,000 first retries', () => {
    expect(DEFAULT_CLIENT_OPTIONS.backoffBaseMs).toBeGreaterThanOrEqual(4000);
    for (const seed of [1, 2, 3, 4, 5]) {
      const random = seededRandom(seed);
      const windows = new Map<number, number>();
      for (let i = 0; i < 1000; i++) {
        const w = Math.floor(backoffDelay(0, defaults, random) / 100);
        windows.set(w, (windows.get(w) ?? 0) + 1);
      }
      expect(Math.max(...windows.values()) / 1000, `seed ${seed}`).toBeLessThanOrEqual(0.05);
      expect(Math.max(...windows.keys())).toBeLessThan(defaults.baseMs / 100);
    }
  });

  it('doubles the ceiling per attempt up to the cap', () => {
    const ceilings = [0, 1, 2, 3, 4, 5, 6].map(
      (n) => backoffDelay(n, settings, () => 0.999999) + 1,
    );
    expect(ceilings).toEqual([500, 1000, 2000, 4000, 8000, 10_000, 10_000]);
  });

  it('keeps full jitter at the cap, so capped clients do not reconnect in lock-step', () => {
    const random = seededRandom(42);
    const delays = Array.from({ length: 1000 }, () => backoffDelay(40, settings, random));
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...delays)).toBeLessThan(10_000);
    // Spread over the whole range: each tenth of [0, cap) gets some draws.
    const buckets = new Set(delays.map((d) => Math.floor(d / 1000)));
    expect(buckets.size).toBe(10);
    expect(new Set(delays).size).toBeGreaterThan(900);
  });

  it('never overflows on huge attempt numbers', () => {
    expect(backoffDelay(1e9, settings, () => 0.5)).toBe(5000);
    expect(backoffDelay(-3, settings, () => 0.5)).toBe(250);
  });

  it('waits at least the server goaway.after, plus jitter over the cap when no window is set', () => {
    expect(retryLaterDelay(2000, settings, () => 0)).toBe(2000);
    expect(retryLaterDelay(2000, settings, () => 0.5)).toBe(7000);
    expect(retryLaterDelay(undefined, settings, () => 0)).toBe(10_000);
  });

  it('spreads a graceful restart over retryLaterJitterMs after goaway.after, not the cap', () => {
    const windowed = { ...settings, retryLaterJitterMs: 3000 };
    expect(retryLaterDelay(2000, windowed, () => 0)).toBe(2000);
    expect(retryLaterDelay(2000, windowed, () => 0.5)).toBe(3500);
    expect(retryLaterDelay(2000, windowed, () => 0.999999)).toBe(4999);
    expect(retryLaterDelay(undefined, windowed, () => 0.5)).toBe(11_500);
    // Defaults: recovery within goaway.after + 4 s, spread evenly across it.
    const random = seededRandom(7);
    const delays = Array.from({ length: 1000 }, () => retryLaterDelay(1000, defaults, random));
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(1000);
    expect(Math.max(...delays)).toBeLessThan(5000);
    expect(new Set(delays.map((d) => Math.floor((d - 1000) / 400))).size).toBe(10);
  });
});

describe('state machine', () => {
  it('describes each allowed transition as { from, to, reason }, with the close code when there is one', () => {
    const changes: StateChange[] = [
      { from: 'idle', to: 'connecting', reason: 'connect' },
      { from: 'connecting', to: 'open', reason: 'welcome' },
      { from: 'open', to: 'reconnecting', reason: 'socket-closed', code: 1006 },
      { from: 'reconnecting', to: 'open', reason: 'welcome' },
      { from: 'open', to: 'closed', reason: 'close' },
    ];
    for (const change of changes) {
      expect(stateChange(change.from, change.to, change.reason, change.code)).toEqual(change);
    }
  });

  it('ignores a transition to the current state', () => {
    expect(stateChange('connecting', 'connecting', 'connect')).toBeUndefined();
  });

  it('throws on a transition outside the table', () => {
    expect(() => stateChange('closed', 'open', 'welcome')).toThrow(
      /illegal state transition closed -> open/,
    );
  });

  it('has a table where closed is terminal and every state can close', () => {
    const states = Object.keys(TRANSITIONS) as ClientState[];
    expect(TRANSITIONS.closed).toEqual([]);
    for (const s of states) if (s !== 'closed') expect(canTransition(s, 'closed')).toBe(true);
    expect(canTransition('idle', 'open')).toBe(false);
    expect(canTransition('open', 'connecting')).toBe(false);
  });
});

describe('url resolution', () => {
  const https = { href: 'https://app.example.com/chat/room', protocol: 'https:' };
  const http = { href: 'http://localhost:3000/', protocol: 'http:' };

  it('uses ws: and wss: URLs as given, with default ports 80 and 443', () => {
    expect(resolveUrl('ws://example.com/rt', undefined)).toEqual({
      href: 'ws://example.com/rt',
      secure: false,
      port: 80,
    });
    expect(resolveUrl('wss://example.com/rt', undefined)).toEqual({
      href: 'wss://example.com/rt',
      secure: true,
      port: 443,
    });
    expect(resolveUrl('wss://example.com:443/rt', undefined).href).toBe('wss://example.com/rt');
    expect(resolveUrl('ws://example.com:80/rt', undefined).href).toBe('ws://example.com/rt');
    expect(resolveUrl('ws://127.0.0.1:8080/rt', undefined)).toEqual({
      href: 'ws://127.0.0.1:8080/rt',
      secure: false,
      port: 8080,
    });
  });

  it('maps http: to ws: and https: to wss:', () => {
    expect(resolveUrl('https://example.com/rt?x=1', undefined).href).toBe(
      'wss://example.com/rt?x=1',
    );
    expect(resolveUrl('http://example.com:8080/rt', undefined).href).toBe(
      'ws://example.com:8080/rt',
    );
    expect(resolveUrl('https://example.com:443/rt', undefined).port).toBe(443);
  });

  it('resolves bare paths against the page, choosing wss: on https pages', () => {
    expect(resolveUrl('/rt', https).href).toBe('wss://app.example.com/rt');
    expect(resolveUrl('rt', https).href).toBe('wss://app.example.com/chat/rt');
    expect(resolveUrl('/rt', http).href).toBe('ws://localhost:3000/rt');
    expect(resolveUrl('//other.example.com/rt', https).href).toBe('wss://other.example.com/rt');
  });

  it('refuses ws: from an https page with INSECURE_URL', () => {
    expect(() => resolveUrl('ws://example.com/rt', https)).toThrow(
      expect.objectContaining({ code: 'INSECURE_URL' }),
    );
    expect(() => resolveUrl('http://example.com/rt', https)).toThrow(
      expect.objectContaining({ code: 'INSECURE_URL' }),
    );
  });

  it('refuses relative URLs without a page, and other schemes, with INVALID_URL', () => {
    for (const bad of ['/rt', 'ftp://example.com/rt', '', 'http://[bad']) {
      expect(() => resolveUrl(bad, undefined)).toThrow(
        expect.objectContaining({ code: 'INVALID_URL' }),
      );
    }
  });

  it('drops fragments, which RFC 6455 forbids', () => {
    expect(resolveUrl('wss://example.com/rt#frag', undefined).href).toBe('wss://example.com/rt');
  });
});

describe('options', () => {
  it('applies the frozen defaults in one place', () => {
    const o = resolveOptions();
    expect(Object.isFrozen(DEFAULT_CLIENT_OPTIONS)).toBe(true);
    expect(o.sendTimeoutMs).toBe(60_000);
    expect(o.maxQueue).toBe(1000);
    expect(o.maxQueueBytes).toBe(1024 * 1024);
    expect(o.overflow).toBe('reject');
    expect(o.backoffBaseMs).toBe(4000);
    expect(o.backoffCapMs).toBe(10_000);
    expect(o.retryLaterJitterMs).toBe(4000);
    expect(o.heartbeatIntervalMs).toBe(25_000);
    expect(o.heartbeatTimeoutMs).toBe(10_000);
    expect(o.maxInFlight).toBe(256);
  });

  it('rejects nonsense with INVALID_ARGUMENT naming the option', () => {
    expect(() => resolveOptions({ maxQueue: 0 })).toThrow(/options.maxQueue/);
    expect(() => resolveOptions({ overflow: 'drop-newest' as never })).toThrow(AckwireClientError);
    expect(() => resolveOptions({ lowWaterMark: 10, highWaterMark: 5 })).toThrow(/lowWaterMark/);
  });
});

describe('client ids', () => {
  const ID = /^[A-Za-z0-9_-]{22}$/;

  it('are 22 URL-safe base64 characters (128 bits), distinct', () => {
    const ids = Array.from({ length: 500 }, () => randomClientId());
    for (const id of ids) expect(id).toMatch(ID);
    expect(new Set(ids).size).toBe(ids.length);
    // Every character of the alphabet shows up: `-` and `_` replace `+` and `/`.
    const seen = new Set(ids.join(''));
    expect(seen.has('-') && seen.has('_')).toBe(true);
  });

  it('encodes the random bytes exactly, as base64url without padding', () => {
    const spy = vi
      .spyOn(globalThis.crypto, 'getRandomValues')
      .mockImplementation(<T extends ArrayBufferView | null>(a: T): T => {
        (a as unknown as Uint8Array).fill(0xfb);
        return a;
      });
    try {
      expect(randomClientId()).toBe(Buffer.alloc(16, 0xfb).toString('base64url'));
    } finally {
      spy.mockRestore();
    }
  });

  it('falls back to Math.random without crypto', () => {
    vi.stubGlobal('crypto', undefined);
    try {
      expect(randomClientId()).toMatch(ID);
    } finally {
      vi.unstubAllGlobals();
    }
  });
});

describe('encoding own envelopes', () => {
  const opts = resolveOptions({ autoConnect: false });
  const bad = (fn: () => unknown) => {
    expect(fn).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }) as Error);
  };

  it('validates each name once, then skips the validator for it', () => {
    const known = validatedNames();
    expect(encodeEnvelope({ k: 'msg', id: 1, type: 'chat', data: 1 }, opts, known)).toEqual({
      frame: '{"k":"msg","id":1,"type":"chat","data":1}',
      bytes: 41,
    });
    expect(known.types.has('chat')).toBe(true);
    encodeEnvelope({ k: 'pub', id: 2, topic: 'room/1' }, opts, known);
    expect(known.topics.has('room/1')).toBe(true);
  });

  it('rejects a bad name every time, and never remembers it', () => {
    const known = validatedNames();
    for (let i = 0; i < 2; i++) {
      bad(() => encodeEnvelope({ k: 'msg', id: 1, type: '' }, opts, known));
      bad(() => encodeEnvelope({ k: 'pub', id: 1, topic: 'no spaces' }, opts, known));
      bad(() => encodeEnvelope({ k: 'to', id: 1, cid: 'short', type: 'chat' }, opts, known));
    }
    expect(known.types.size + known.topics.size + known.cids.size).toBe(0);
  });

  it('keeps names of one rule apart from the others', () => {
    const known = validatedNames();
    encodeEnvelope({ k: 'msg', id: 1, type: 'a b' }, opts, known);
    // A valid type name is not thereby a valid topic or client id.
    bad(() => encodeEnvelope({ k: 'pub', id: 2, topic: 'a b' }, opts, known));
    bad(() => encodeEnvelope({ k: 'to', id: 3, cid: 'a b', type: 'a b' }, opts, known));
  });

  it('still reports data that is not JSON', () => {
    const known = validatedNames();
    encodeEnvelope({ k: 'msg', id: 1, type: 'x' }, opts, known);
    bad(() => encodeEnvelope({ k: 'msg', id: 2, type: 'x', data: 1n as never }, opts, known));
  });
});

describe('close codes', () => {
  it("the client's own close constants are the protocol's CloseCode values", () => {
    const own = Object.entries(closePolicy).filter(([name]) => name.startsWith('CLOSE_'));
    expect(own.length).toBe(5);
    for (const [name, value] of own) {
      expect(value).toBe(CloseCode[name.slice('CLOSE_'.length) as keyof typeof CloseCode]);
    }
  });
});
