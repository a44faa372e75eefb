/**
 * Mutated frames against the live server. Every frame is decoded locally first with the
 * server's limits, which gives the answer the spec calls for: an invalid frame must be answered
 * with an `error` notice or an error receipt carrying the decoder's code (docs/protocol.md
 * §12), a frame over `maxPayload` with close 1009, a valid `hello` after the session opened with
 * close 4009. After each frame a `ping` with a fresh `ts` is sent, and its `pong` marks the end
 * of the frame's answer, so every answer is matched to its frame.
 */
import WebSocket from 'ws';
import {
  CloseCode,
  decodeClientFrame,
  decodeServerFrame,
  encode,
  ProtocolError,
  resolveLimits,
  SUBPROTOCOL,
  type ServerEnvelope,
} from '@ackwire/protocol';
import { CLIENT_ENVELOPES } from './corpus.js';
import { mutate, randomFrame, type FuzzFrame } from './mutate.js';
import type { Rng } from './rng.js';

/** What the live fuzz found. */
export interface LiveFuzzResult {
  frames: number;
  /** Frames the decoder refused, answered with the right code. */
  refusedAsSpecified: number;
  /** Valid frames (processed like any other). */
  accepted: number;
  /** Frames answered with close 1009 (too large) or 4009 (hello after open), as specified. */
  closedAsSpecified: number;
  /** Answers that broke the spec, with a preview of the frame. */
  failures: string[];
  /** Sessions opened (a specified close costs one). */
  sessions: number;
}

type Expectation =
  | { kind: 'refuse'; code: string }
  | { kind: 'close'; code: number }
  /** Valid: processed like any other frame; `id` when its receipt is awaited. */
  | { kind: 'accept'; id: number | undefined };

const LIMITS = resolveLimits({ maxBytes: 65_536 });

function textEnvelope(envelope: (typeof CLIENT_ENVELOPES)[number]): string {
  const data = (envelope as { data?: unknown }).data;
  if (!(data instanceof Uint8Array)) return encode(envelope) as string;
  return JSON.stringify({ ...envelope, data: [...data] });
}

/** The client corpus as frames: text always, binary where the kind allows it. */
function clientCorpus(): FuzzFrame[] {
  const frames: FuzzFrame[] = [];
  for (const envelope of CLIENT_ENVELOPES) {
    frames.push(textEnvelope(envelope));
    const encoded = encode(envelope);
    if (encoded instanceof Uint8Array) frames.push(encoded);
  }
  return frames;
}

/** What the spec says the server must answer to `bytes`. */
function expectationOf(bytes: Buffer, binary: boolean): Expectation {
  if (bytes.byteLength > LIMITS.maxBytes) return { kind: 'close', code: CloseCode.MESSAGE_TOO_BIG };
  try {
    const envelope = decodeClientFrame(
      binary ? new Uint8Array(bytes) : bytes.toString('utf8'),
      LIMITS,
    );
    if (envelope.k === 'hello') return { kind: 'close', code: CloseCode.BAD_ENVELOPE };
    return { kind: 'accept', id: 'id' in envelope ? envelope.id : undefined };
  } catch (error) {
    if (error instanceof ProtocolError) return { kind: 'refuse', code: error.code };
    throw error;
  }
}

function preview(bytes: Buffer, binary: boolean): string {
  return binary
    ? `0x${bytes.subarray(0, 40).toString('hex')}`
    : JSON.stringify(bytes.subarray(0, 80).toString('utf8'));
}

/** One session: a `ws` socket after `hello`, fed frames one by one. */
class Session {
  readonly ws: WebSocket;
  readonly received: ServerEnvelope[] = [];
  closeCode: number | undefined;
  #wake: (() => void) | undefined;

  constructor(url: string) {
    this.ws = new WebSocket(url, [SUBPROTOCOL], { perMessageDeflate: false });
    this.ws.on('error', () => undefined);
    this.ws.on('message', (data: Buffer, binary) => {
      try {
        this.received.push(
          decodeServerFrame(binary ? new Uint8Array(data) : data.toString('utf8')),
        );
      } catch {
        this.received.push({ k: 'error', err: { code: 'UNDECODABLE_ANSWER', message: '' } });
      }
      this.#wake?.();
    });
    this.ws.on('close', (code) => {
      this.closeCode = code;
      this.#wake?.();
    });
  }

  /** Waits until `done()` holds or the socket closed; false after `ms`. */
  async until(done: () => boolean, ms: number): Promise<boolean> {
    const deadline = Date.now() + ms;
    while (!done() && this.closeCode === undefined) {
      const left = deadline - Date.now();
      if (left <= 0) return false;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    return true;
  }

  static async open(url: string, cid: string): Promise<Session> {
    const s = new Session(url);
    await new Promise<void>((resolve, reject) => {
      s.ws.once('open', () => resolve());
      s.ws.once('close', (code) => reject(new Error(`closed ${code} before open`)));
    });
    s.ws.send(encode({ k: 'hello', cid }));
    await s.until(() => s.received.some((e) => e.k === 'welcome'), 10_000);
    if (!s.received.some((e) => e.k === 'welcome')) throw new Error('no welcome');
    s.received.length = 0;
    return s;
  }
}

/** Sends `count` mutated frames to the server at `url` over `workers` parallel sessions. */
export async function fuzzLiveServer(
  url: string,
  rng: Rng,
  count: number,
  workers = 4,
): Promise<LiveFuzzResult> {
  const corpus = clientCorpus();
  const result: LiveFuzzResult = {
    frames: 0,
    refusedAsSpecified: 0,
    accepted: 0,
    closedAsSpecified: 0,
    failures: [],
    sessions: 0,
  };
  const fail = (line: string): void => {
    if (result.failures.length < 20) result.failures.push(line);
    else result.failures[19] = `... and more (last: ${line})`;
  };
  // Frames are generated up front from the one seeded stream, so workers do not change them.
  const frames = Array.from({ length: count }, () =>
    rng.chance(0.1) ? randomFrame(rng) : mutate(rng.pick(corpus), rng),
  );
  let next = 0;
  let ts = 0;
  await Promise.all(
    Array.from({ length: workers }, async (_, w) => {
      let session: Session | undefined;
      while (next < frames.length) {
        const index = next++;
        const frame = frames[index]!.frame;
        const binary = typeof frame !== 'string';
        const bytes = binary ? Buffer.from(frame) : Buffer.from(frame, 'utf8');
        let expected: Expectation;
        try {
          expected = expectationOf(bytes, binary);
        } catch (error) {
          fail(`#${index} local decoder threw ${String(error)}: ${preview(bytes, binary)}`);
          continue;
        }
        if (!session || session.closeCode !== undefined) {
          session = await Session.open(url, `chaos-fuzz-${w}-${result.sessions}`);
          result.sessions++;
        }
        const s = session;
        s.received.length = 0;
        const marker = ++ts;
        s.ws.send(bytes, { binary });
        s.ws.send(encode({ k: 'ping', ts: marker }));
        // Handlers run asynchronously, so the receipt of a valid frame may come after the
        // pong: wait for it too, or it would be taken for the answer to the next frame.
        const receiptId = expected.kind === 'accept' ? expected.id : undefined;
        const answered = await s.until(
          () =>
            s.received.some((e) => e.k === 'pong' && e.ts === marker) &&
            (receiptId === undefined ||
              s.received.some((e) => e.k === 'ack' && e.id === receiptId)),
          10_000,
        );
        result.frames++;
        const what = `#${index} (${frames[index]!.ops.join(', ')}) ${preview(bytes, binary)}`;
        if (expected.kind === 'close') {
          if (s.closeCode === expected.code) result.closedAsSpecified++;
          else fail(`${what}: expected close ${expected.code}, got ${s.closeCode ?? 'no close'}`);
          continue;
        }
        if (s.closeCode !== undefined) {
          fail(`${what}: unexpected close ${s.closeCode} (expected ${JSON.stringify(expected)})`);
          continue;
        }
        if (!answered) {
          fail(`${what}: no pong within 10 s`);
          continue;
        }
        if (expected.kind === 'accept') {
          result.accepted++;
          continue;
        }
        const answers = s.received.filter(
          (e): e is Extract<ServerEnvelope, { k: 'error' } | { k: 'ack'; ok: false }> =>
            e.k === 'error' || (e.k === 'ack' && !e.ok),
        );
        if (answers.length === 1 && answers[0]!.err.code === expected.code)
          result.refusedAsSpecified++;
        else
          fail(
            `${what}: expected one refusal ${expected.code}, got ${JSON.stringify(answers.map((a) => a.err.code))}`,
          );
      }
      session?.ws.close();
    }),
  );
  return result;
}
