// The arena page's entry: everything lives under src/ui (presentation), src/net (tickwire wiring)
// and src/sim (rules).
import { startApp } from '../src/ui/app.js';

const root = document.getElementById('game')!;
startApp(root).catch((error: unknown) => {
  document.body.dataset['state'] = 'failed';
  const banner = document.getElementById('banner');
  if (banner) {
    banner.textContent = `failed to start: ${String(error)}`;
    banner.style.display = '';
  } else document.body.append(String(error));
});
