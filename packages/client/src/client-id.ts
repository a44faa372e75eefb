/**
 * Client instance ids (docs/protocol.md §3.2): random 128 bits, URL-safe base64, from
 * `crypto.getRandomValues` when present.
 * @internal
 */

/** The globals used here; declared locally because this package's types are DOM-free. */
interface IdGlobals {
  crypto?: { getRandomValues?(a: Uint8Array): Uint8Array };
  btoa(binary: string): string;
}

/** A random 128-bit client id, URL-safe base64 without padding (22 characters). @internal */
export function randomClientId(): string {
  const g = globalThis as unknown as IdGlobals;
  const bytes = new Uint8Array(16);
  if (g.crypto?.getRandomValues) g.crypto.getRandomValues(bytes);
  else for (let i = 0; i < 16; i++) bytes[i] = Math.floor(Math.random() * 256);
  // base64url (RFC 4648 §5): `+` and `/` become `-` and `_`; the `==` padding goes.
  return g
    .btoa(String.fromCharCode(...bytes))
    .replace(/=+$/, '')
    .replace(/[+/]/g, (c) => (c === '+' ? '-' : '_'));
}
