// Short room codes people can read out loud: 6 characters without look-alikes (0/O, 1/I/L),
// 31^6 ≈ 887 million codes. Codes are claimed with put-if-absent, so two rooms never share one.
import { randomInt } from 'node:crypto';

const ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
const SHORT_CODE_LENGTH = 6;

export function newShortCode(): string {
  let code = '';
  for (let i = 0; i < SHORT_CODE_LENGTH; i += 1) code += ALPHABET[randomInt(ALPHABET.length)];
  return code;
}

/** Codes are case-insensitive for people; stored upper-case. */
export function normalizeCode(code: string): string {
  return code.trim().toUpperCase();
}
