// The netgraph (N) and the network lab (L). The lab adds latency, jitter and loss to this
// player's traffic through the ConditionedConnection, switches prediction, interpolation and lag
// compensation off and on, and cuts the connection so the reconnect path can be watched.
import type { ArenaSession } from '../net/session.js';
import { button, h } from './dom.js';
import type { NetMetrics } from './net-metrics.js';

export class Netgraph {
  readonly el = h('pre', { id: 'netgraph', className: 'panel mono' });

  constructor(root: HTMLElement) {
    this.el.style.display = 'none';
    root.append(this.el);
    window.addEventListener('keydown', (e) => {
      if (e.key.toLowerCase() === 'n' && !(e.target instanceof HTMLInputElement)) this.toggle();
    });
  }

  toggle(): void {
    this.el.style.display = this.el.style.display === 'none' ? '' : 'none';
  }

  render(m: NetMetrics, fps: number): void {
    if (this.el.style.display === 'none') return;
    this.el.textContent = [
      `rtt        ${m.rttMs} ms`,
      `jitter     ${m.jitterMs} ms`,
      `loss       ${m.lossPercent} %`,
      `interp     ${m.interpDelayMs} ms`,
      `corrections ${m.corrections} (last ${m.lastCorrectionPx} px)`,
      `in / out   ${m.kbpsIn} / ${m.kbpsOut} kbit/s`,
      `snapshot   ${m.snapshotBytes} B`,
      `entities   ${m.entities}`,
      `path       ${m.path}`,
      `fps        ${fps}`,
      ...(m.labDropped > 0 ? [`lab drops  ${m.labDropped}`] : []),
    ].join('\n');
  }
}

export class LabPanel {
  readonly el: HTMLElement;

  constructor(root: HTMLElement, session: ArenaSession) {
    const slider = (label: string, id: string, max: number, step: number, apply: (v: number) => void) => {
      const input = h('input', { id });
      input.type = 'range';
      input.min = '0';
      input.max = String(max);
      input.step = String(step);
      input.value = '0';
      const out = h('span', { text: '0' });
      input.addEventListener('input', () => {
        out.textContent = input.value;
        apply(Number(input.value));
      });
      return h('label', {}, `${label} `, input, ' ', out);
    };
    const toggle = (label: string, id: string, key: 'prediction' | 'interpolation' | 'lagCompensation') => {
      const input = h('input', { id });
      input.type = 'checkbox';
      input.checked = true;
      input.addEventListener('change', () => {
        session.switches[key] = input.checked;
        if (session.client) session.client.switches[key] = input.checked;
      });
      return h('label', {}, input, ` ${label}`);
    };
    const conditions = () => session.conditions;
    this.el = h(
      'div',
      { id: 'lab', className: 'panel small' },
      h('b', { text: 'network lab (this player only)' }),
      slider('added RTT ms', 'lab-rtt', 400, 10, (v) => session.setConditions({ ...conditions(), rttMs: v })),
      slider('jitter ms', 'lab-jitter', 100, 5, (v) =>
        session.setConditions({ ...conditions(), jitterMs: v }),
      ),
      slider('loss %', 'lab-loss', 30, 1, (v) => session.setConditions({ ...conditions(), loss: v / 100 })),
      toggle('prediction', 'lab-prediction', 'prediction'),
      toggle('interpolation', 'lab-interpolation', 'interpolation'),
      toggle('lag compensation', 'lab-lagcomp', 'lagCompensation'),
      button('Drop connection', () => session.dropConnection(), 'lab-drop'),
    );
    this.el.style.display = 'none';
    root.append(this.el);
    window.addEventListener('keydown', (e) => {
      if (e.key.toLowerCase() === 'l' && !(e.target instanceof HTMLInputElement)) this.toggle();
    });
  }

  toggle(): void {
    this.el.style.display = this.el.style.display === 'none' ? '' : 'none';
  }
}
