// Builds the NAT-matrix page: page-entry.js bundled by vite (in memory) into one ES module, and the
// HTML that loads it. The bundle resolves '@tickwire/transport' through its `browser` export, so the
// page runs the transport's browser adapter (native RTCPeerConnection), never node-datachannel.
import { fileURLToPath } from 'node:url';
import { BenchError } from '../../../errors.js';

export interface NatPage {
  readonly html: string;
  readonly script: string;
}

/** Path of the page's script on the page server. */
export const SCRIPT_PATH = '/nat-peer.js';

export async function buildNatPage(): Promise<NatPage> {
  const { build } = await import('vite');
  // The compiled entry: the same relative path from src/ and dist/ (tests run from src).
  const entry = fileURLToPath(new URL('../../../../dist/suites/nat/browser/page-entry.js', import.meta.url));
  const result = await build({
    configFile: false,
    logLevel: 'silent',
    root: fileURLToPath(new URL('../../../../', import.meta.url)),
    build: {
      write: false,
      minify: false,
      lib: { entry, formats: ['es'], fileName: 'nat-peer' },
      rollupOptions: { output: { inlineDynamicImports: true } },
    },
  });
  for (const out of Array.isArray(result) ? result : [result]) {
    if (!('output' in out)) continue;
    const chunk = out.output.find((o) => o.type === 'chunk');
    if (chunk?.type === 'chunk') {
      return {
        script: chunk.code,
        html: `<!doctype html><meta charset="utf-8"><title>tickwire nat peer</title><script type="module" src="${SCRIPT_PATH}"></script>`,
      };
    }
  }
  throw new BenchError('PEER_FAILED', 'vite produced no bundle for the NAT page');
}
