// Two more rules of ARCHITECTURE.md, written into CI:
//
// - `kd/declarations-only`: an experiment file (experiments/src/experiments/*.ts, tests aside) is a
//   declaration — defaults, profiles, rows, claims, a recipe name and term specs. It may import
//   types from anywhere but no value from tfjs or from a room that holds tensors (runtime, nn,
//   models, losses, data); recipes in @kd/distill run it.
// - `kd/one-trainer`: only @kd/distill trains. `.minimize(` / `.applyGradients(` anywhere else is
//   an error, except in tests and the few places that time or check a single step on purpose
//   (profiling, benchmarks, the device check, the models' own test helper).

const TENSOR_ROOMS = /^(@tensorflow\/|@kd\/(runtime|nn|models|losses|data)(\/|$))/;

/** @type {import('eslint').Rule.RuleModule} */
export const declarationsOnly = {
  meta: {
    type: 'problem',
    docs: { description: 'experiment declarations import no tfjs and no tensor room (types aside)' },
    schema: [],
  },
  create(context) {
    const check = (node) => {
      if (node.importKind === 'type' || typeof node.source?.value !== 'string') return;
      if (node.specifiers?.length && node.specifiers.every((s) => s.importKind === 'type')) return;
      if (TENSOR_ROOMS.test(node.source.value)) {
        context.report({
          node: node.source,
          message: `an experiment file is a declaration: it may not import '${node.source.value}' (only types; the recipe in @kd/distill does the work — docs/adding-an-experiment.md)`,
        });
      }
    };
    return { ImportDeclaration: check, ExportNamedDeclaration: check, ExportAllDeclaration: check };
  },
};

/** @type {import('eslint').Rule.RuleModule} */
export const oneTrainer = {
  meta: { type: 'problem', docs: { description: 'only @kd/distill calls minimize/applyGradients' }, schema: [] },
  create(context) {
    return {
      CallExpression(node) {
        const c = node.callee;
        if (
          c.type === 'MemberExpression' &&
          c.property.type === 'Identifier' &&
          (c.property.name === 'minimize' || c.property.name === 'applyGradients')
        ) {
          context.report({
            node: c.property,
            message: `'${c.property.name}' outside @kd/distill: train through the one trainer (train() in packages/distill/src/trainer/) — ARCHITECTURE.md, one trainer`,
          });
        }
      },
    };
  },
};

export default { rules: { 'declarations-only': declarationsOnly, 'one-trainer': oneTrainer } };
