/**
 * Built-in handlers of the test server: enough behaviour for client integration tests to
 * exercise receipts, request/response, error codes, slow handlers and exactly-once checks.
 */
import type { AckwireServer, HandlerContext } from '@ackwire/server';
import type { Payload } from '@ackwire/protocol';

/** One processed `record` message. */
export interface RecordEntry {
  /** Client id that sent it. */
  cid: string;
  /** Message id. */
  id: number;
  /** The message data. */
  data: Payload | undefined;
}

/** Longest `sleep` accepted, so a test cannot leave a handler running for minutes. */
const MAX_SLEEP_MS = 60_000;

class TestFailure extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = 'TestFailure';
    this.code = code;
  }
}

function field(data: Payload | undefined, key: string): unknown {
  return data !== null &&
    typeof data === 'object' &&
    !(data instanceof Uint8Array) &&
    !Array.isArray(data)
    ? data[key]
    : undefined;
}

/**
 * Registers `echo`, `math.add`, `fail`, `sleep`, `cursor` and `record` on a server. `log` receives every
 * `record` message in processing order.
 */
export function registerBuiltinHandlers(server: AckwireServer, log: RecordEntry[]): void {
  // Data comes back as it came: JSON as JSON, bytes as bytes (in a binary frame).
  server.handle('echo', (data) => data);

  server.handle('math.add', (data) => {
    const a = field(data, 'a');
    const b = field(data, 'b');
    if (typeof a !== 'number' || typeof b !== 'number') {
      throw new TestFailure('BAD_ARGUMENTS', 'math.add: expected { a: number, b: number }');
    }
    return a + b;
  });

  server.handle('fail', (data) => {
    const code = field(data, 'code');
    const message = field(data, 'message');
    throw new TestFailure(
      typeof code === 'string' ? code : 'TEST_FAILURE',
      typeof message === 'string' ? message : 'failed on request',
    );
  });

  server.handle('sleep', async (data) => {
    const ms = Math.min(MAX_SLEEP_MS, Math.max(0, Number(field(data, 'ms') ?? 0) || 0));
    await new Promise((resolve) => setTimeout(resolve, ms).unref());
    return { slept: ms };
  });

  // Demo cursors (and any "relay this to everyone else" test): relayed to every other client as
  // a volatile push naming its sender; a slow receiver drops positions rather than queueing them.
  server.handle('cursor', (data, ctx: HandlerContext) => {
    server.broadcast('cursor', data, { volatile: true, except: ctx.clientId });
  });

  server.handle('record', (data, ctx: HandlerContext) => {
    log.push({ cid: ctx.clientId, id: ctx.messageId ?? 0, data });
    return { n: log.filter((e) => e.cid === ctx.clientId).length };
  });
}
