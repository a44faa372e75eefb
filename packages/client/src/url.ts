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
import { clientError } from './errors.js';

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
    return base === undefined ? new URLCtor(input) : new URLCtor(input, base);
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
  if (typeof input !== 'string' || input.trim() === '') {
    throw clientError(
      'INVALID_URL',
      'url: expected a ws:, wss:, http:, https: or relative URL, got an empty value',
    );
  }
  const trimmed = input.trim();
  let url: ParsedUrl | undefined;
  if (ABSOLUTE.test(trimmed)) {
    url = parse(trimmed);
  } else {
    if (!location) {
      throw clientError(
        'INVALID_URL',
        `url: "${trimmed}" is relative, but there is no page location to resolve it against; pass an absolute ws: or wss: URL`,
      );
    }
    url = parse(trimmed, location.href);
  }
  if (!url) throw clientError('INVALID_URL', `url: "${trimmed}" is not a valid URL`);

  let protocol = url.protocol;
  if (protocol === 'http:') protocol = 'ws:';
  else if (protocol === 'https:') protocol = 'wss:';
  if (protocol !== 'ws:' && protocol !== 'wss:') {
    throw clientError(
      'INVALID_URL',
      `url: expected a ws:, wss:, http: or https: URL, got ${url.protocol}`,
    );
  }
  if (protocol === 'ws:' && location?.protocol === 'https:') {
    throw clientError(
      'INSECURE_URL',
      `url: "${trimmed}" is an unencrypted ws: URL on an https: page; browsers block this as mixed content. Use wss:`,
    );
  }
  // Re-parse with the WebSocket scheme so default ports normalise (":80" on ws, ":443" on wss).
  const rest = url.href.slice(url.protocol.length);
  const final = parse(protocol + rest);
  if (!final) throw clientError('INVALID_URL', `url: "${trimmed}" is not a valid URL`);
  const href = final.hash ? final.href.slice(0, final.href.length - final.hash.length) : final.href;
  const secure = protocol === 'wss:';
  return { href, secure, port: final.port === '' ? (secure ? 443 : 80) : Number(final.port) };
}
