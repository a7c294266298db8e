// Process entry of a compare-suite stream end: the loss suite's streams plus Colyseus and geckos.io.
import { startWorker } from '../../ipc/worker.js';
import { registerStreamHandlers } from '../loss/stream-handlers.js';
import { registerColyseus } from './colyseus-stream.js';
import { registerGeckos } from './geckos-stream.js';

startWorker((ctx) => {
  const streams = registerStreamHandlers(ctx);
  registerColyseus(ctx, streams);
  registerGeckos(ctx, streams);
});
