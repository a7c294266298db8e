// Declares the entity types of a game world and the shape of client inputs. The declaration is
// the single source of truth: TypeScript infers entity types from it, and both peers derive the
// same field order and a hash from it, so a client with a different schema is refused up front.
import { array, string } from './blob-fields.js';
import type { AnyField, FieldMap, InferFields } from './field-types.js';
import { angle, bool, enumOf, float, int } from './numeric-fields.js';

/** Field builders: `t.float({ min: 0, max: 4096, bits: 16 })`, `t.angle()`, `t.enum(['a', 'b'])`… */
export const t = { int, float, angle, bool, enum: enumOf, string, array } as const;

/** One entity type, with its fields in declaration order (the wire order). */
export interface EntityType {
  readonly name: string;
  readonly index: number;
  readonly fieldNames: readonly string[];
  readonly fields: readonly AnyField[];
}

export interface SyncSchema<D extends Record<string, FieldMap> = Record<string, FieldMap>> {
  readonly definition: D;
  readonly types: readonly EntityType[];
  readonly typeIndex: ReadonlyMap<string, number>;
  /** FNV-1a hash of the declaration; peers compare it during the sync handshake. */
  readonly hash: number;
}

/** The declared type names of a schema. */
export type EntityTypeName<S> = S extends SyncSchema<infer D> ? keyof D & string : never;

/** The game-side entity type for one type name of a schema. */
export type EntityOf<S, K extends EntityTypeName<S>> =
  S extends SyncSchema<infer D> ? InferFields<D[K]> : never;

export interface InputSchema<F extends FieldMap = FieldMap> {
  readonly definition: F;
  readonly type: EntityType;
  readonly hash: number;
}

export type InputOf<S> = S extends InputSchema<infer F> ? InferFields<F> : never;

// Changed-field masks are 32-bit integers.
const MAX_FIELDS = 32;

function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

// Field names become property names of entity objects (and of generated code): identifiers only.
const FIELD_NAME = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

function entityType(name: string, index: number, fields: FieldMap): EntityType {
  const fieldNames = Object.keys(fields);
  for (const field of fieldNames) {
    if (!FIELD_NAME.test(field) || field === '__proto__')
      throw new RangeError(`sync schema: bad field name "${field}"`);
  }
  if (fieldNames.length === 0 || fieldNames.length > MAX_FIELDS) {
    throw new RangeError(`sync schema: type "${name}" needs 1..${MAX_FIELDS} fields`);
  }
  return { name, index, fieldNames, fields: fieldNames.map((f) => fields[f]!) };
}

function describe(type: EntityType): string {
  return `${type.name}{${type.fieldNames.map((f, i) => `${f}:${type.fields[i]!.describe}`).join(';')}}`;
}

export function defineSchema<const D extends Record<string, FieldMap>>(definition: D): SyncSchema<D> {
  const names = Object.keys(definition);
  if (names.length === 0 || names.length > 256) throw new RangeError('sync schema: need 1..256 entity types');
  const types = names.map((name, i) => entityType(name, i, definition[name]!));
  return {
    definition,
    types,
    typeIndex: new Map(names.map((n, i) => [n, i])),
    hash: fnv1a(types.map(describe).join('|')),
  };
}

/** The fields of one client input command (movement axes, buttons, aim…). */
export function defineInput<const F extends FieldMap>(definition: F): InputSchema<F> {
  const type = entityType('input', 0, definition);
  return { definition, type, hash: fnv1a(describe(type)) };
}
