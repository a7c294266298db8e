#!/usr/bin/env node
// `npm create tickwire@latest my-game` runs this: scaffolds the starter into ./my-game and says
// what to run next. It installs nothing by itself (the user picks when to hit the network).
import { relative } from 'node:path';
import { ScaffoldError, scaffold } from './scaffold.js';

const HELP = `Usage: npm create tickwire@latest [folder]

Creates a tickwire game in [folder] (default: tickwire-game): a Vite + Pixi browser client,
a Node authority and a lobby, all started by \`npm run dev\`.`;

function main(args: readonly string[]): number {
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  const positional = args.filter((arg) => !arg.startsWith('-'));
  if (positional.length > 1 || positional.length < args.length) {
    process.stderr.write(
      `create-tickwire: expected at most one folder name, got: ${args.join(' ')}\n\n${HELP}\n`,
    );
    return 2;
  }
  const target = positional[0] ?? 'tickwire-game';
  try {
    const result = scaffold({ targetDir: target });
    const shown = relative(process.cwd(), result.dir) || '.';
    process.stdout.write(
      `Created ${result.name} in ${shown} (${result.files.length} files).\n\n` +
        `Next:\n  cd ${shown}\n  npm install\n  npm run dev     # lobby + authority + game page, open the URL it prints\n` +
        `  npm test        # a Node client joins the authority through the lobby\n`,
    );
    return 0;
  } catch (error) {
    if (error instanceof ScaffoldError) {
      process.stderr.write(`create-tickwire: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}

process.exitCode = main(process.argv.slice(2));
