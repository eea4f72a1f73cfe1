// Prettier settings chosen to match the code as written: single quotes, semicolons, 2-space indent,
// trailing commas, `(x) =>` arrows; print width 120 (ARCHITECTURE.md "Habits").
/** @type {import('prettier').Config} */
export default {
  printWidth: 120,
  singleQuote: true,
  trailingComma: 'all',
  semi: true,
  tabWidth: 2,
  arrowParens: 'always',
  bracketSpacing: true,
  endOfLine: 'lf',
};
