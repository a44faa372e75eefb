/**
 * URL resolution (issue 4, "URLs"). Pure: the page location is a parameter, so the rules are
 * tested without a browser.
 *
 * - `ws:` and `wss:` URLs are used as given; their default ports are 80 and 443 (RFC 6455 §3).
 * - `http:` and `https:` URLs map to `ws:` and `wss:`.
 * - Relative URLs (`/rt`, `rt`, `//host/rt`) resolve against the page location, choosing `wss:`
 *   on `https:` pages.
 * - A `ws:` URL on an `https:` page is refused with `INSECURE_URL`: browsers block it as mixed
 *   content with an opaque failure that would otherwise look like a network error forever.
 * - Fragments are dropped: RFC 6455 §3 forbids them in WebSocket URIs.
 */
import { clientError, type AckwireClientError, type ClientErrorCode } from './errors.js';

/** The part of `window.location` the resolver reads. */
export interface LocationLike {
  readonly href: string;
  readonly protocol: string;
}

/** A resolved WebSocket URL. */
export interface ResolvedUrl {
  /** The URL to pass to the WebSocket constructor. */
  href: string;
  /** True for `wss:`. */
  secure: boolean;
  /** The effective port: the explicit one, else 80 for `ws:` and 443 for `wss:`. */
  port: number;
}

interface ParsedUrl {
  protocol: string;
  port: string;
  hash: string;
  href: string;
}
type UrlConstructor = new (url: string, base?: string) => ParsedUrl;

function parse(input: string, base?: string): ParsedUrl | undefined {
  // URL exists in every browser and in Node >= 10, but in neither ES lib nor our (DOM-free)
  // types, so it is looked up on globalThis.
  const URLCtor = (globalThis as unknown as { URL: UrlConstructor }).URL;
  try {
    return new URLCtor(input, base);
  } catch {
    return undefined;
  }
}

/** The page location, when the client runs in a page (a browser window or worker). @internal */
export function pageLocation(): LocationLike | undefined {
  const loc = (globalThis as { location?: Partial<LocationLike> }).location;
  return loc && typeof loc.href === 'string' && typeof loc.protocol === 'string'
    ? (loc as LocationLike)
    : undefined;
}

const ABSOLUTE = /^[A-Za-z][A-Za-z0-9+.-]*:/;

/**
 * Resolves `input` to the URL a WebSocket should open.
 * @throws AckwireClientError `INVALID_URL` or `INSECURE_URL`.
 */
export function resolveUrl(
  input: string,
  location: LocationLike | undefined = pageLocation(),
): ResolvedUrl {
  const trimmed = typeof input === 'string' ? input.trim() : '';
  const refuse = (why: string, code: ClientErrorCode = 'INVALID_URL'): AckwireClientError =>
    clientError(code, `url "${trimmed}": ${why}`);
  if (!trimmed) throw refuse('expected a ws:, wss:, http:, https: or relative URL');
  const relative = !ABSOLUTE.test(trimmed);
  if (relative && !location) throw refuse('relative, with no page location; use ws: or wss:');
  const url = parse(trimmed, relative ? location?.href : undefined);
  if (!url) throw refuse('not a valid URL');
  // http: and https: map to ws: and wss:.
  const protocol = url.protocol.replace(/^http/, 'ws');
  if (protocol !== 'ws:' && protocol !== 'wss:') throw refuse(`unsupported scheme ${url.protocol}`);
  if (protocol === 'ws:' && location?.protocol === 'https:') {
    // Browsers block it as mixed content, with an opaque failure.
    throw refuse('ws: on an https: page; use wss:', 'INSECURE_URL');
  }
  // Re-parse with the WebSocket scheme so default ports normalise (":80" on ws, ":443" on wss).
  const final = parse(protocol + url.href.slice(url.protocol.length));
  if (!final) throw refuse('not a valid URL');
  const href = final.hash ? final.href.slice(0, -final.hash.length) : final.href;
  const secure = protocol === 'wss:';
  return { href, secure, port: final.port === '' ? (secure ? 443 : 80) : Number(final.port) };
}
