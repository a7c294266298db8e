// Process entry of a loss-suite stream end (sender or receiver): see stream-handlers.ts.
import { startWorker } from '../../ipc/worker.js';
import { registerStreamHandlers } from './stream-handlers.js';

startWorker((ctx) => void registerStreamHandlers(ctx));
