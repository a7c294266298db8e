// Baselines that send the whole state every tick: JSON and msgpackr. They need no baseline or
// acks, so they show what delta coding buys.
import { Packr, Unpackr } from 'msgpackr';
import type { Contender } from './contender.js';
import { PlainWorld } from './contender.js';
import type { EntitySpec, Op } from './scenario.js';

export function jsonContender(initial: readonly EntitySpec[]): Contender {
  const world = new PlainWorld(initial);
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();
  let client = new Map<number, EntitySpec>();
  return {
    name: 'json',
    encode(ops: readonly Op[] | undefined) {
      if (ops) world.apply(ops);
      return [encoder.encode(JSON.stringify([...world.entities.values()]))];
    },
    decode(payloads) {
      const list = JSON.parse(decoder.decode(payloads[0]!)) as EntitySpec[];
      client = new Map(list.map((e) => [e.id, e]));
    },
    clientCount: () => client.size,
  };
}

export function msgpackrContender(initial: readonly EntitySpec[]): Contender {
  const world = new PlainWorld(initial);
  const packr = new Packr();
  const unpackr = new Unpackr();
  let client = new Map<number, EntitySpec>();
  return {
    name: 'msgpackr',
    encode(ops: readonly Op[] | undefined) {
      if (ops) world.apply(ops);
      return [packr.pack([...world.entities.values()])];
    },
    decode(payloads) {
      const list = unpackr.unpack(payloads[0]!) as EntitySpec[];
      client = new Map(list.map((e) => [e.id, e]));
    },
    clientCount: () => client.size,
  };
}
