/**
 * MQTT 3.1.1 QoS 1: mqtt.js against the aedes broker, over WebSocket like every other system
 * (MQTT over raw TCP would skip the WebSocket framing the others pay for). The receipt is the
 * broker's PUBACK; QoS 1 is at-least-once with no dedup, the same guarantee as socket.io's retry
 * mode, but with many packets in flight.
 */
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { Aedes } from 'aedes';
import { connectAsync } from 'mqtt';
import { WebSocketServer, createWebSocketStream } from 'ws';
import {
  ECHO_TYPE,
  type BenchSystem,
  type ConnectOptions,
  type SystemConnection,
  type SystemServer,
} from './types.js';

function createServer(): SystemServer {
  let http: HttpServer | undefined;
  let wss: WebSocketServer | undefined;
  let broker: Aedes | undefined;
  return {
    async listen(port) {
      broker = await Aedes.createBroker();
      const server = createHttpServer();
      http = server;
      wss = new WebSocketServer({ server, perMessageDeflate: false });
      wss.on('connection', (websocket, request) => {
        broker!.handle(createWebSocketStream(websocket), request);
      });
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, '127.0.0.1', () => {
          const address = server.address();
          resolve(typeof address === 'object' && address ? address.port : port);
        });
      });
    },
    publish(topic, data) {
      return new Promise<void>((resolve, reject) =>
        broker!.publish(
          { cmd: 'publish', topic, payload: data, qos: 0, dup: false, retain: false },
          (error) => (error ? reject(error) : resolve()),
        ),
      );
    },
    connections() {
      return wss?.clients.size ?? 0;
    },
    close() {
      return new Promise((resolve) => {
        for (const ws of wss?.clients ?? []) ws.terminate();
        wss?.close();
        broker?.close(() => (http ? http.close(() => resolve()) : resolve()));
      });
    },
  };
}

async function connect(options: ConnectOptions): Promise<SystemConnection> {
  options.onAttempt?.();
  const client = await connectAsync(options.url, {
    protocolVersion: 4,
    clean: true,
    reconnectPeriod: 1_000,
    wsOptions: { perMessageDeflate: false },
  });
  client.on('reconnect', () => options.onAttempt?.());
  if (options.onDelivery) {
    const onDelivery = options.onDelivery;
    client.on('message', (_topic, payload) => onDelivery(payload.toString()));
  }
  const ready = async (): Promise<void> => {
    if (options.topic) await client.subscribeAsync(options.topic, { qos: 0 });
    options.onReady?.();
  };
  client.on('connect', (packet) => {
    // A clean session forgets subscriptions, so every reconnect subscribes again.
    if (!packet.sessionPresent) void ready();
  });
  await ready();
  return {
    send: (data) => client.publishAsync(ECHO_TYPE, data, { qos: 1 }),
    close: async () => {
      await client.endAsync(true);
    },
  };
}

/** MQTT QoS 1 publish (mqtt.js 5 against aedes 1, over WebSocket). */
export const mqttQos1: BenchSystem = {
  name: 'mqtt-qos1',
  description: 'mqtt.js 5 QoS 1 publish to aedes 1 over WebSocket, receipt = PUBACK',
  createServer,
  connect,
};
