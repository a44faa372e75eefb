/**
 * Version negotiation through Sec-WebSocket-Protocol (docs/protocol.md §1).
 */
import { describe, expect, it } from 'vitest';
import {
  PROTOCOL_VERSION,
  SUBPROTOCOL,
  SUPPORTED_SUBPROTOCOLS,
  VERSION_REFUSED_STATUS,
  selectSubprotocol,
} from '@ackwire/protocol';

describe('version: subprotocol selection (§1.1)', () => {
  it('names version 1 ackwire.v1', () => {
    expect(PROTOCOL_VERSION).toBe(1);
    expect(SUBPROTOCOL).toBe('ackwire.v1');
    expect(SUPPORTED_SUBPROTOCOLS).toEqual(['ackwire.v1']);
    expect(Object.isFrozen(SUPPORTED_SUBPROTOCOLS)).toBe(true);
  });

  it('selects ackwire.v1 when it is offered alone', () => {
    expect(selectSubprotocol(['ackwire.v1'])).toBe('ackwire.v1');
  });

  it('selects the first spoken version in the client order, skipping unknown ones', () => {
    expect(selectSubprotocol(['ackwire.v9', 'graphql-ws', 'ackwire.v1'])).toBe('ackwire.v1');
  });

  it('takes any iterable, such as the Set that ws passes', () => {
    expect(selectSubprotocol(new Set(['chat', 'ackwire.v1']))).toBe('ackwire.v1');
  });

  it('selects nothing when no spoken version is offered', () => {
    expect(selectSubprotocol([])).toBeUndefined();
    expect(selectSubprotocol(['ackwire.v2', 'ackwire'])).toBeUndefined();
  });

  it('compares names exactly: case and whitespace matter', () => {
    expect(selectSubprotocol(['ACKWIRE.V1', ' ackwire.v1', 'ackwire.v1 '])).toBeUndefined();
  });
});

describe('version: refusal (§1.2)', () => {
  it('refuses an unspoken version with 426 Upgrade Required', () => {
    expect(VERSION_REFUSED_STATUS).toBe(426);
  });
});
