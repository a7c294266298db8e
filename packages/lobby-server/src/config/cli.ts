// Reads settings from command-line flags and environment variables (flags win) on top of the
// defaults. Pure: takes argv and env as arguments, so it is tested without touching the process.
import { defaultSettings, flagOf, settings } from './options.js';
import type { LobbySettings, SettingName } from './options.js';

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

function convert(name: SettingName, raw: string): LobbySettings[SettingName] {
  const kind = settings[name].kind;
  switch (kind) {
    case 'int': {
      if (!/^-?\d+$/.test(raw.trim())) throw new ConfigError(`${flagOf(name)}: "${raw}" is not an integer`);
      return Number(raw);
    }
    case 'bool': {
      const value = raw.trim().toLowerCase();
      if (['1', 'true', 'yes', 'on', ''].includes(value)) return true;
      if (['0', 'false', 'no', 'off'].includes(value)) return false;
      throw new ConfigError(`${flagOf(name)}: "${raw}" is not a boolean`);
    }
    case 'list':
      return raw
        .split(',')
        .map((part) => part.trim())
        .filter((part) => part.length > 0);
    case 'string':
      return raw;
  }
}

export interface ParsedArgs {
  readonly settings: LobbySettings;
  readonly help: boolean;
}

export function parseArgs(argv: readonly string[], env: Record<string, string | undefined>): ParsedArgs {
  const result: LobbySettings = { ...defaultSettings };
  const assign = (name: SettingName, raw: string) => {
    (result as Record<SettingName, unknown>)[name] = convert(name, raw);
  };
  const names = Object.keys(settings) as SettingName[];
  for (const name of names) {
    const raw = env[settings[name].env];
    if (raw !== undefined && raw !== '') assign(name, raw);
  }
  const byFlag = new Map(names.map((name) => [flagOf(name), name] as const));
  let help = false;
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] ?? '';
    if (arg === '--help' || arg === '-h') {
      help = true;
      continue;
    }
    const eq = arg.indexOf('=');
    const flag = eq >= 0 ? arg.slice(0, eq) : arg;
    const name = byFlag.get(flag);
    if (!name) throw new ConfigError(`unknown flag ${flag} (see --help)`);
    let raw: string;
    if (eq >= 0) raw = arg.slice(eq + 1);
    else if (settings[name].kind === 'bool' && (argv[i + 1] === undefined || argv[i + 1]?.startsWith('--')))
      raw = 'true';
    else {
      const next = argv[i + 1];
      if (next === undefined) throw new ConfigError(`${flag} needs a value`);
      raw = next;
      i += 1;
    }
    assign(name, raw);
  }
  return { settings: result, help };
}

export function helpText(): string {
  const lines = ['Usage: tickwire-lobby [flags]   (every flag also reads an environment variable)', ''];
  for (const name of Object.keys(settings) as SettingName[]) {
    const setting = settings[name];
    const value = defaultSettings[name];
    const shown = Array.isArray(value) ? value.join(',') : String(value);
    lines.push(`  ${flagOf(name)} (${setting.env}, default ${JSON.stringify(shown)})`);
    lines.push(`      ${setting.doc}`);
  }
  return lines.join('\n');
}
