// Maps data values to pixels and picks readable tick marks for the three chart scales. Pure
// functions: no DOM, no SVG strings.
import type { Scale } from './chart-types.js';

const TAIL_CLAMP = 0.99999;

/** Data value to the scale's linear space (log10 for `log`, -log10(1-p) for `tail`). */
export function forward(scale: Scale, v: number): number {
  switch (scale) {
    case 'linear':
      return v;
    case 'log':
      return Math.log10(Math.max(v, 1e-12));
    case 'tail':
      return -Math.log10(1 - Math.min(Math.max(v, 0), TAIL_CLAMP));
  }
}

export interface Axis {
  scale: Scale;
  /** Domain in the scale's linear space. */
  lo: number;
  hi: number;
  /** Tick positions in the scale's linear space, with their labels. */
  ticks: Array<{ at: number; label: string }>;
}

function niceStep(span: number, target: number): number {
  const raw = span / Math.max(1, target);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const norm = raw / mag;
  return (norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 5 ? 5 : 10) * mag;
}

/** Short number label: 1.2k, 3.4M, 0.05. */
export function formatTick(v: number): string {
  const a = Math.abs(v);
  if (a >= 1e6) return `${+(v / 1e6).toPrecision(3)}M`;
  if (a >= 1e3) return `${+(v / 1e3).toPrecision(3)}k`;
  if (a === 0) return '0';
  return `${+v.toPrecision(3)}`;
}

/** Builds an axis covering `values` (data units) with about five ticks. */
export function makeAxis(scale: Scale, values: readonly number[], includeZero = false): Axis {
  const finite = values.filter((v) => Number.isFinite(v) && (scale !== 'log' || v > 0));
  if (finite.length === 0) finite.push(scale === 'log' ? 1 : 0, 1);
  if (includeZero && scale === 'linear') finite.push(0);
  switch (scale) {
    case 'linear': {
      let lo = Math.min(...finite);
      let hi = Math.max(...finite);
      if (hi === lo) hi = lo + 1;
      const step = niceStep(hi - lo, 5);
      lo = Math.floor(lo / step) * step;
      hi = Math.ceil(hi / step) * step;
      const ticks = [];
      for (let v = lo; v <= hi + step / 2; v += step) ticks.push({ at: v, label: formatTick(v) });
      return { scale, lo, hi, ticks };
    }
    case 'log': {
      const lo = Math.floor(Math.log10(Math.min(...finite)));
      let hi = Math.ceil(Math.log10(Math.max(...finite)));
      if (hi === lo) hi = lo + 1;
      const ticks = [];
      for (let e = lo; e <= hi; e++) {
        ticks.push({ at: e, label: formatTick(10 ** e) });
        if (hi - lo <= 2 && e < hi) ticks.push({ at: e + Math.log10(3), label: formatTick(3 * 10 ** e) });
      }
      return { scale, lo, hi, ticks };
    }
    case 'tail': {
      const hi = Math.min(5, Math.max(2, Math.ceil(Math.max(...finite.map((p) => forward('tail', p))))));
      const labels = ['0%', '90%', '99%', '99.9%', '99.99%', '99.999%'];
      const ticks = labels.slice(0, hi + 1).map((label, e) => ({ at: e, label }));
      ticks.splice(1, 0, { at: forward('tail', 0.5), label: '50%' });
      return { scale, lo: 0, hi, ticks };
    }
  }
}

/** Position of a data value on an axis drawn from pixel `from` to pixel `to`. */
export function project(axis: Axis, v: number, from: number, to: number): number {
  return projectAt(axis, forward(axis.scale, v), from, to);
}

/** Position of a point already in the scale's linear space (a tick's `at`). */
export function projectAt(axis: Axis, at: number, from: number, to: number): number {
  const t = (at - axis.lo) / (axis.hi - axis.lo);
  return from + Math.min(1.05, Math.max(-0.05, t)) * (to - from);
}
