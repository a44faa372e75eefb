/**
 * HTTP control endpoint, so Playwright pages and other processes can drive faults:
 * `POST /control/<fault>` with a JSON body of named arguments, `GET /control/log`,
 * `GET /control/stats`. CORS is open: the pages under test run on other origins.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AckwireServer } from '@ackwire/server';
import type { Payload } from '@ackwire/protocol';
import type { FaultState } from './faults.js';

/** Largest control request body accepted. */
const MAX_BODY = 64 * 1024;

type Args = Record<string, unknown>;

const num = (v: unknown, name: string): number => {
  if (typeof v !== 'number' || !Number.isFinite(v))
    throw new ControlError(`${name}: expected a number`);
  return v;
};
const str = (v: unknown, name: string): string => {
  if (typeof v !== 'string') throw new ControlError(`${name}: expected a string`);
  return v;
};
const optStr = (v: unknown, name: string): string | undefined =>
  v === undefined ? undefined : str(v, name);

class ControlError extends Error {
  readonly code = 'CONTROL_BAD_REQUEST';
}

/** Every POST action, with its argument mapping. */
function actions(
  faults: FaultState,
  server: () => AckwireServer,
): Record<string, (a: Args) => unknown> {
  return {
    dropAll: () => faults.dropAll(),
    stall: (a) => faults.stall(optStr(a.cid, 'cid')),
    delayReceipts: (a) => faults.delayReceipts(num(a.n, 'n'), num(a.ms, 'ms')),
    withholdReceipts: (a) => faults.withholdReceipts(num(a.n, 'n')),
    stopHeartbeats: () => faults.stopHeartbeats(),
    resumeHeartbeats: () => faults.resumeHeartbeats(),
    closeAll: (a) => faults.closeAll(num(a.code, 'code'), optStr(a.reason, 'reason')),
    rejectAuth: (a) => faults.rejectAuth(a.on !== false),
    clear: () => faults.clear(),
    clearLog: () => faults.clearLog(),
    publish: (a) => server().publish(str(a.topic, 'topic'), a.data as Payload),
    broadcast: (a) => ({ count: server().broadcast(str(a.type, 'type'), a.data as Payload) }),
    sendTo: (a) => ({
      sent: server().sendTo(str(a.cid, 'cid'), str(a.type, 'type'), a.data as Payload),
    }),
  };
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body ?? { ok: true });
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
  });
  res.end(text);
}

async function readJson(req: IncomingMessage): Promise<Args> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.byteLength;
    if (size > MAX_BODY) throw new ControlError('body: too large');
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (text === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ControlError('body: expected JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ControlError('body: expected a JSON object');
  }
  return value as Args;
}

/** Sets the CORS headers every control answer carries. */
export function allowCors(res: ServerResponse): void {
  res.setHeader('Access-Control-Allow-Origin', '*');
  res.setHeader('Access-Control-Allow-Methods', 'GET, POST, OPTIONS');
  res.setHeader('Access-Control-Allow-Headers', 'Content-Type');
}

/**
 * Handles a request under `/control`. `restart` is answered before it happens: the answer
 * travels on the HTTP server that the restart closes.
 */
export async function handleControl(
  req: IncomingMessage,
  res: ServerResponse,
  faults: FaultState,
  server: () => AckwireServer,
): Promise<void> {
  allowCors(res);
  if (req.method === 'OPTIONS') {
    res.writeHead(204).end();
    return;
  }
  const name = (req.url ?? '').split('?')[0]!.replace(/^\/control\/?/, '');
  if (req.method === 'GET') {
    if (name === 'log') return reply(res, 200, { log: faults.log() });
    if (name === 'stats') return reply(res, 200, server().stats());
    if (name === '')
      return reply(res, 200, { faults: [...Object.keys(actions(faults, server)), 'restart'] });
    return reply(res, 404, {
      error: { code: 'CONTROL_UNKNOWN_FAULT', message: `no GET /control/${name}` },
    });
  }
  if (req.method !== 'POST') {
    return reply(res, 405, {
      error: { code: 'CONTROL_BAD_REQUEST', message: 'expected GET or POST' },
    });
  }
  try {
    const args = await readJson(req);
    if (name === 'restart') {
      const downMs = args.downMs === undefined ? undefined : num(args.downMs, 'downMs');
      res.once('finish', () => void faults.restart(downMs === undefined ? {} : { downMs }));
      return reply(res, 200, { ok: true });
    }
    const action = actions(faults, server)[name];
    if (!action) {
      return reply(res, 404, {
        error: { code: 'CONTROL_UNKNOWN_FAULT', message: `no fault ${name}` },
      });
    }
    const result = action(args);
    return reply(res, 200, result === undefined ? { ok: true } : result);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    return reply(res, 400, {
      error: {
        code: typeof code === 'string' ? code : 'CONTROL_BAD_REQUEST',
        message: error instanceof Error ? error.message : String(error),
      },
    });
  }
}
