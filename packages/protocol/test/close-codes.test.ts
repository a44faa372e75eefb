/**
 * Close codes and the client's action after each (docs/protocol.md §10).
 */
import { describe, expect, it } from 'vitest';
import { CloseCode, classifyClose } from '@ackwire/protocol';

describe('close codes: classifyClose (§10)', () => {
  it.each([
    [CloseCode.NORMAL, 1000, 'retry'],
    [CloseCode.GOING_AWAY, 1001, 'retry-later'],
    [CloseCode.PROTOCOL_ERROR, 1002, 'retry'],
    [CloseCode.UNSUPPORTED_DATA, 1003, 'retry'],
    [CloseCode.ABNORMAL, 1006, 'retry'],
    [CloseCode.INVALID_PAYLOAD, 1007, 'retry'],
    [CloseCode.POLICY_VIOLATION, 1008, 'retry-later'],
    [CloseCode.MESSAGE_TOO_BIG, 1009, 'retry'],
    [CloseCode.INTERNAL_ERROR, 1011, 'retry'],
    [CloseCode.SERVICE_RESTART, 1012, 'retry-later'],
    [CloseCode.TRY_AGAIN_LATER, 1013, 'retry-later'],
    [CloseCode.SESSION_TIMEOUT, 4000, 'retry'],
    [CloseCode.UNAUTHORIZED, 4001, 'fatal'],
    [CloseCode.UNSUPPORTED_VERSION, 4002, 'fatal'],
    [CloseCode.FORBIDDEN, 4003, 'fatal'],
    [CloseCode.SESSION_REPLACED, 4004, 'fatal'],
    [CloseCode.HEARTBEAT_TIMEOUT, 4008, 'retry'],
    [CloseCode.BAD_ENVELOPE, 4009, 'retry'],
  ])('classifies %d as the table says', (code, value, action) => {
    expect(code).toBe(value);
    expect(classifyClose(code)).toBe(action);
  });

  it('covers every named close code in the table above', () => {
    expect(Object.keys(CloseCode)).toHaveLength(18);
  });

  it.each([0, 999, 1004, 1005, 1010, 1014, 1015, 2000, 3000, 3999, 4005, 4010, 4999, 65535])(
    'retries an unknown code %d rather than give up',
    (code) => {
      expect(classifyClose(code)).toBe('retry');
    },
  );

  it('keeps the code table frozen', () => {
    expect(Object.isFrozen(CloseCode)).toBe(true);
  });
});
