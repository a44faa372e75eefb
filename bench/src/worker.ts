/**
 * Entry of every worker process: `worker.ts <role> <system>`. Loads the one system it runs,
 * then answers the runner's requests (see worker-protocol.ts) until told to exit. A worker whose
 * runner disappears exits too, so a crashed bench leaves nothing listening.
 */
import { clientCommands } from './roles/client-role.js';
import { serverCommands } from './roles/server-role.js';
import type { Commands } from './roles/commands.js';
import { loadSystem } from './systems/index.js';
import type { WorkerRequest, WorkerResponse } from './worker-protocol.js';

const [role, systemName] = process.argv.slice(2);
if (!process.send || (role !== 'server' && role !== 'clients') || !systemName) {
  console.error('worker.ts is started by the bench runner (child.ts), not by hand');
  process.exit(2);
}

const system = await loadSystem(systemName);
const roleCommands = role === 'server' ? serverCommands(system) : clientCommands(system);

/** Commands every worker answers, whatever its role. */
const common: Commands = {
  ready: () => ({ pid: process.pid, system: system.name }),
  /** User + system CPU time of this process so far, in microseconds. */
  cpu: () => {
    const usage = process.cpuUsage();
    return usage.user + usage.system;
  },
  /** Heap and RSS after full collections (the process runs with --expose-gc). */
  memory: async () => {
    for (let i = 0; i < 3; i++) {
      globalThis.gc?.();
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const usage = process.memoryUsage();
    return { heapUsed: usage.heapUsed, rss: usage.rss };
  },
  exit: async () => {
    await roleCommands.shutdown?.(undefined);
    setImmediate(() => process.exit(0));
    return true;
  },
};

const reply = (response: WorkerResponse): void => {
  process.send!(response);
};

process.on('message', (request: WorkerRequest) => {
  const command = common[request.command] ?? roleCommands[request.command];
  if (!command) {
    reply({ id: request.id, ok: false, error: `unknown command '${request.command}'` });
    return;
  }
  Promise.resolve()
    .then(() => command(request.args))
    .then(
      (result) => reply({ id: request.id, ok: true, result }),
      (error: unknown) =>
        reply({
          id: request.id,
          ok: false,
          error: error instanceof Error ? (error.stack ?? error.message) : String(error),
        }),
    );
});
process.on('disconnect', () => process.exit(0));
