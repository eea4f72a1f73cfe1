// The import-boundary rule: ARCHITECTURE.md's "Rooms and their rules" dependency table as an eslint rule.
//
//   core ← runtime ← nn ← {models, losses};  data ← core (no tensors);  bench ← nn;
//   distill ← {data, models, losses, bench};  sweep ← {core, bench} (no tfjs);  experiments ← everything
//
// A room may import the rooms its table line names and, through them, everything below them
// (nn's users may name @kd/runtime and @kd/core too). core, data and sweep may not import
// @tensorflow/* at all. A relative import may not climb out of its package
// (`../../other/src/x.ts`): name the package instead. Files outside packages/* and experiments/
// (scripts/, tools/) are not a room and are not checked.
import path from 'node:path';

/** room -> the rooms it names directly, the table line that says so, and whether it may import tfjs. */
export const ROOMS = {
  core: { uses: [], rule: 'core ← runtime ← nn ← {models, losses}', tfjs: false },
  runtime: { uses: ['core'], rule: 'core ← runtime ← nn ← {models, losses}', tfjs: true },
  nn: { uses: ['runtime'], rule: 'core ← runtime ← nn ← {models, losses}', tfjs: true },
  models: { uses: ['nn'], rule: 'core ← runtime ← nn ← {models, losses}', tfjs: true },
  losses: { uses: ['nn'], rule: 'core ← runtime ← nn ← {models, losses}', tfjs: true },
  data: { uses: ['core'], rule: 'data ← core (no tensors)', tfjs: false },
  bench: { uses: ['nn'], rule: 'bench ← nn', tfjs: true },
  distill: { uses: ['data', 'models', 'losses', 'bench'], rule: 'distill ← {data, models, losses, bench}', tfjs: true },
  sweep: { uses: ['core', 'bench'], rule: 'sweep ← {core, bench} (no tfjs)', tfjs: false },
  experiments: {
    uses: ['core', 'runtime', 'nn', 'models', 'losses', 'data', 'bench', 'distill', 'sweep'],
    rule: 'experiments ← everything',
    tfjs: true,
  },
};

/**
 * Every room `room` may import: the ones it names and, transitively, theirs. A room without tfjs
 * (core, data, sweep) reaches through its rooms only to rooms without tfjs: sweep may import bench,
 * but not nn or runtime, which bench itself may.
 */
export function reachable(room) {
  const seen = new Set();
  const visit = (r) => {
    for (const u of ROOMS[r]?.uses ?? []) {
      if (seen.has(u)) continue;
      seen.add(u);
      visit(u);
    }
  };
  visit(room);
  if (ROOMS[room]?.tfjs === false) {
    for (const r of seen) if (ROOMS[r].tfjs && !ROOMS[room].uses.includes(r)) seen.delete(r);
  }
  return seen;
}

/** The room and package root of a file path relative to the repo root (posix), or null outside a room. */
export function roomOf(relFile) {
  const m = /^packages\/([^/]+)\//.exec(relFile);
  if (m) return { room: m[1], root: `packages/${m[1]}` };
  if (relFile.startsWith('experiments/')) return { room: 'experiments', root: 'experiments' };
  return null;
}

const TABLE = 'ARCHITECTURE.md, Rooms and their rules';

/** The message for an import `spec` from `room`, or null when the table allows it. */
export function check(room, spec) {
  const def = ROOMS[room];
  if (!def) return null; // a package the table does not know yet: not checked
  if (/^@tensorflow\//.test(spec)) {
    return def.tfjs
      ? null
      : `${room} may not import '${spec}': ${room} holds no tensors, no tfjs at all (${TABLE}: ${def.rule})`;
  }
  const kd = /^@kd\/([^/]+)/.exec(spec);
  if (!kd || kd[1] === room) return null;
  const target = kd[1];
  if (reachable(room).has(target)) return null;
  const may = [...reachable(room)].map((r) => `@kd/${r}`).join(', ') || 'no @kd package';
  return `${room} may not import '${spec}': ${TABLE}: ${def.rule} (${room} may import ${may})`;
}

/** @type {import('eslint').Rule.RuleModule} */
export const importBoundaries = {
  meta: {
    type: 'problem',
    docs: {
      description:
        "ARCHITECTURE.md's room dependency table: which @kd package and tfjs each room may import; no relative import out of a package",
    },
    schema: [],
  },
  create(context) {
    const repo = context.cwd;
    const rel = path.relative(repo, context.filename).split(path.sep).join('/');
    const where = roomOf(rel);
    if (!where) return {};
    const report = (node, spec) => {
      if (typeof spec !== 'string') return;
      if (spec.startsWith('.')) {
        const target = path.posix.normalize(path.posix.join(path.posix.dirname(rel), spec));
        if (target !== where.root && !target.startsWith(`${where.root}/`)) {
          context.report({
            node,
            message: `relative import '${spec}' climbs out of ${where.root}: import the other package by its name (@kd/…), never its files`,
          });
        }
        return;
      }
      const message = check(where.room, spec);
      if (message) context.report({ node, message });
    };
    const fromSource = (node) => node.source && report(node.source, node.source.value);
    return {
      ImportDeclaration: fromSource,
      ExportNamedDeclaration: fromSource,
      ExportAllDeclaration: fromSource,
      ImportExpression: (node) => node.source.type === 'Literal' && report(node.source, node.source.value),
      TSImportType: (node) => {
        const lit = node.argument?.literal ?? node.argument;
        if (lit?.type === 'Literal') report(lit, lit.value);
      },
    };
  },
};

export default { rules: { 'import-boundaries': importBoundaries } };
