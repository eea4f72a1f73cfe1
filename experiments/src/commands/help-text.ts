/** Width of help epilogues: one less than the CLI's yargs wrap (cli.ts), so yargs never re-wraps their lines. */
export const helpWidth = (): number => Math.min(120, process.stdout.columns ?? 100) - 1;

/** `text` broken at spaces into lines of at most `width` characters, lines after the first indented by `indent`. */
export function wrap(text: string, indent: number, width: number): string {
  const room = Math.max(20, width - indent);
  const out: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > room) {
      out.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  out.push(line);
  return out.join(`\n${' '.repeat(indent)}`);
}
