// fauxqs in a worker thread of the runner's own process. fauxqs ships ESM only; jest
// runs our TypeScript as CommonJS and cannot import() it, while a worker is plain
// Node under both jest and tsx. Being a thread, it cannot outlive the process.
import { parentPort } from 'node:worker_threads';
import { startFauxqs } from 'fauxqs';

const server = await startFauxqs({ port: 0, logger: false });
parentPort.postMessage({ type: 'listening', port: server.port });

parentPort.on('message', async (message) => {
  if (message?.type !== 'stop') return;
  await server.stop();
  parentPort.close();
});
