// create-tickwire as a library (the bin is cli.ts): scaffold a starter game into a folder.
export { scaffold, packageNameFrom, ownVersion, ScaffoldError, ScaffoldErrorCode } from './scaffold.js';
export type { ScaffoldOptions, ScaffoldResult } from './scaffold.js';
