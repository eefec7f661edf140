// SPDX-License-Identifier: MIT
/**
 * @module cli/commands/export
 *
 * `ghostwire export --format svg|dot|mermaid [--netns X…]`: the discovered wiring for people's
 * docs, built from the same wiring model and layout as the web UI (`src/wiring`): one node per
 * netns, one edge per wire, labelled with the interface names at both ends. With `--netns` only
 * those namespaces are drawn; wires leaving them end in labelled stubs (SVG) or dashed far-end
 * nodes (DOT, Mermaid).
 */
import type { Command } from 'commander';
import { toV1 } from '../../api/v1/index.js';
import { ProjectError } from '../../errors.js';
import {
  buildWiringModel,
  layoutWiring,
  wiringToDot,
  wiringToMermaid,
  wiringToSvg,
} from '../../wiring/index.js';
import type { CliCommand, CliIo } from '../command.js';
import {
  defaultDiscover,
  packageVersion,
  resolveNetnsSpec,
  writeProblems,
  type DiscoverFn,
} from '../shared.js';

/** Export formats. */
export const EXPORT_FORMATS = ['svg', 'dot', 'mermaid'] as const;
/** An export format. */
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** Options of `export`. */
export interface ExportOptions {
  readonly format: string;
  readonly netns?: readonly string[];
  readonly showLo?: boolean;
  readonly addresses?: boolean;
}

/** Runs `export` with parsed options (exported for tests). */
export async function runExport(
  io: CliIo,
  opts: ExportOptions,
  discoverFn: DiscoverFn,
): Promise<void> {
  if (!(EXPORT_FORMATS as readonly string[]).includes(opts.format))
    throw new ProjectError(
      'GW_ERR_CLI_USAGE',
      `unknown export format "${opts.format}" (one of ${EXPORT_FORMATS.join(', ')})`,
      { details: { format: opts.format } },
    );
  const result = await discoverFn();
  const model = buildWiringModel(toV1(result, { creatorVersion: packageVersion() }));
  let ids = model.order;
  if (opts.netns !== undefined && opts.netns.length > 0) {
    const inodes = new Set<number>();
    for (const spec of opts.netns)
      for (const ino of resolveNetnsSpec(result, spec)) inodes.add(ino);
    ids = model.order.filter((id) => inodes.has(model.netns[id]!.netnsid));
  }
  const format = opts.format as ExportFormat;
  let out: string;
  if (format === 'svg') {
    const layout = layoutWiring(model, {
      visible: new Set(ids),
      showLo: opts.showLo === true,
      showAddresses: opts.addresses === true,
    });
    out = wiringToSvg(model, layout, `Ghostwire wiring of ${result.host.hostname || 'this host'}`);
  } else out = format === 'dot' ? wiringToDot(model, ids) : wiringToMermaid(model, ids);
  io.stdout.write(out);
  writeProblems(io, result.problems);
}

/** Builds the `export` command over a discovery function. */
export function makeExportCommand(discoverFn: DiscoverFn = defaultDiscover): CliCommand {
  return {
    name: 'export',
    register(program: Command, io: CliIo): void {
      program
        .command('export')
        .description('print the discovered wiring as SVG, Graphviz DOT or Mermaid')
        .requiredOption('--format <format>', `output format: ${EXPORT_FORMATS.join(', ')}`)
        .option(
          '--netns <ino|name...>',
          'only these network namespaces (inode, /run/netns name or tenant name); wires leaving them end in stubs',
        )
        .option('--show-lo', 'SVG: draw loopback interfaces too')
        .option('--addresses', 'SVG: list the addresses under each interface')
        .addHelpText(
          'after',
          "\nThe SVG is drawn from the same layout as the web UI's wiring view; DOT and Mermaid have one\n" +
            'node per network namespace and one edge per wire, labelled with the interface names at\n' +
            'both ends. Example: ghostwire export --format dot | dot -Tpng > wiring.png\n',
        )
        .action(async (opts: ExportOptions) => {
          await runExport(io, opts, discoverFn);
        });
    },
  };
}

/** The `export` command. */
export const exportCommand: CliCommand = makeExportCommand();
