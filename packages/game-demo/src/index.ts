export { startDemoServer } from './serve.js';
export type { DemoServer, DemoServerOptions } from './serve.js';
