// Namespace names: `tw<pid>-<lab>-<role>`. The creating process's pid is in every name so that
// parallel test files never collide and a sweep can tell a dead process's leftovers from a live
// lab. It must never produce a name that does not match `parseLabName`.

const NAME_PATTERN = /^tw(\d+)-(\d+)-([a-z][a-z0-9]*)$/;
const ROLE_PATTERN = /^[a-z][a-z0-9]*$/;

let nextLab = 0;

export interface LabNames {
  /** The prefix every namespace of this lab starts with, e.g. `tw1234-0-`. */
  readonly prefix: string;
  /** The namespace name for one role of the lab, e.g. `tw1234-0-a`. */
  forRole(role: string): string;
}

export function allocateLabNames(pid: number = process.pid): LabNames {
  const prefix = `tw${pid}-${nextLab++}-`;
  return {
    prefix,
    forRole(role) {
      if (!ROLE_PATTERN.test(role)) throw new Error(`invalid namespace role "${role}"`);
      return prefix + role;
    },
  };
}

export interface ParsedLabName {
  readonly pid: number;
  readonly lab: number;
  readonly role: string;
}

/** Parses a netlab namespace name; anything else (another tool's namespace) gives undefined. */
export function parseLabName(name: string): ParsedLabName | undefined {
  const match = NAME_PATTERN.exec(name);
  if (!match) return undefined;
  return { pid: Number(match[1]), lab: Number(match[2]), role: match[3] ?? '' };
}
