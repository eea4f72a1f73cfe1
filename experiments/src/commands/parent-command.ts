import type { CommandModule } from 'yargs';

/**
 * A command that only groups subcommands (`pnpm exp bench <sub>`): the subcommands live one per
 * file in a folder whose index lists them.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function parentCommand(name: string, describe: string, subcommands: CommandModule<any, any>[]): CommandModule {
  return {
    command: `${name} <sub>`,
    describe,
    builder: (y) => {
      let b = y;
      for (const c of subcommands) b = b.command(c);
      return b.demandCommand(1, 'name a subcommand (see --help)');
    },
    handler: () => {},
  };
}
