// prepublishOnly of the lobby: publishing goes through `pnpm publish` (what `changeset publish`
// runs here), which rewrites `workspace:` ranges into versions. Plain `npm publish` would ship
// them as they are and the package could not be installed. The package manager running the
// script is told by npm_execpath, which each sets itself (npm_config_user_agent is not: npm reads
// an inherited one as its own config, e.g. when npm runs under a pnpm script).
import { basename } from 'node:path';

const runner = basename(process.env.npm_execpath ?? '');
if (!runner.startsWith('pnpm')) {
  process.stderr.write(
    `Publish with \`pnpm release\` (changeset publish → pnpm publish), not ${runner || 'this tool'}: ` +
      'npm leaves workspace: ranges in package.json.\n',
  );
  process.exit(1);
}
