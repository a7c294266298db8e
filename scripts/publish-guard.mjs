// prepublishOnly of the public packages: publishing goes through `pnpm publish` (what
// `changeset publish` runs here), which rewrites `workspace:` ranges into versions. Plain
// `npm publish` would ship them as they are and the package could not be installed.
const agent = process.env.npm_config_user_agent ?? '';
if (!agent.startsWith('pnpm/')) {
  process.stderr.write(
    'Publish with `pnpm release` (changeset publish → pnpm publish), not npm: npm leaves workspace: ranges in package.json.\n',
  );
  process.exit(1);
}
