/**
 * Scenario 6: bundle size of what a browser downloads. Our min UMD and an ESM import of
 * `AckwireClient`, beside the peers' client libraries bundled the same way (esbuild, browser,
 * minified, ESM), measured by the root `scripts/size-check.mjs` (min, gzip 9, brotli 11).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Scenario } from './scenario.js';

interface Sizes {
  min: number;
  gzip: number;
  brotli: number;
}

interface SizeCheck {
  measure(bytes: Uint8Array): Sizes;
  bundleEntry(code: string, resolveDir: string): Promise<Uint8Array>;
}

/** Entry code per peer: import the client class and keep it reachable, as an app would. */
export const PEER_ENTRIES: Readonly<Record<string, string>> = Object.freeze({
  'socket.io-client': "import { io } from 'socket.io-client'; globalThis.x = io;",
  centrifuge: "import { Centrifuge } from 'centrifuge'; globalThis.x = Centrifuge;",
  phoenix: "import { Socket } from 'phoenix'; globalThis.x = Socket;",
  'reconnecting-websocket':
    "import ReconnectingWebSocket from 'reconnecting-websocket'; globalThis.x = ReconnectingWebSocket;",
});

/** Scenario 6 of issue 7. */
export const bundleScenario: Scenario = {
  name: 'bundle',
  title: 'Bundle size (esbuild, browser, minified): min, gzip, brotli',
  async run(context) {
    const sizeCheck = (await import(
      pathToFileURL(join(context.root, 'scripts/size-check.mjs')).href
    )) as SizeCheck;
    const benchDir = join(context.root, 'bench');
    const sizes: Array<[string, Sizes]> = [];
    const umdPath = join(context.root, 'packages/client/dist/ackwire.umd.min.js');
    if (existsSync(umdPath)) sizes.push(['ackwire-umd', sizeCheck.measure(readFileSync(umdPath))]);
    else context.log('  ackwire-umd: left out, packages/client/dist has no UMD bundle');
    if (existsSync(join(context.root, 'packages/client/dist/index.js'))) {
      const esm = await sizeCheck.bundleEntry(
        "import { AckwireClient } from '@ackwire/client'; globalThis.x = AckwireClient;",
        benchDir,
      );
      sizes.push(['ackwire-esm', sizeCheck.measure(esm)]);
    } else {
      context.log('  ackwire-esm: left out, packages/client/dist is not built');
    }
    for (const [name, code] of Object.entries(PEER_ENTRIES)) {
      sizes.push([name, sizeCheck.measure(await sizeCheck.bundleEntry(code, benchDir))]);
    }
    for (const [system, size] of sizes) {
      for (const kind of ['min', 'gzip', 'brotli'] as const) {
        context.results.record(`bundle.${kind}`, system, size[kind], 'B');
      }
      context.log(`  ${system}: min ${size.min} B, gzip ${size.gzip} B, brotli ${size.brotli} B`);
    }
  },
};
