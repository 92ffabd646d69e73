// The embedded broker's thread (broker.ts): aedes and its TCP server, off the service's main thread, which the ingest's
// stateful checks and writes need. Plain JavaScript: Node 20 does not carry the parent's tsx hooks into workers.
import { createServer } from 'node:net';
import { parentPort, workerData } from 'node:worker_threads';
import { Aedes } from 'aedes';

const aedes = await Aedes.createBroker();
const server = createServer(aedes.handle);
const sockets = new Set();
server.on('connection', (socket) => {
  sockets.add(socket);
  socket.on('close', () => sockets.delete(socket));
});
server.once('error', (err) => parentPort.postMessage({ error: err.message }));
server.listen(workerData.port, '127.0.0.1', () => parentPort.postMessage({ port: server.address().port }));
parentPort.on('message', async (message) => {
  if (message !== 'close') return;
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => server.close(() => resolve()));
  await new Promise((resolve) => aedes.close(() => resolve()));
  parentPort.postMessage({ closed: true });
});
