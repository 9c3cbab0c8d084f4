/**
 * `npm run bench -- <name…>` runs the named benchmarks (bench/<name>.ts); with no name,
 * all of them in order. Each prints its figures and writes a Markdown section to
 * bench/results/<name>.md, which docs/PERFORMANCE.md collects.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

const ALL = ['menu', 'register', 'orders', 'events', 'client', 'party'];

export interface BenchResult {
  /** Markdown for docs/PERFORMANCE.md: a table of figures next to their in-run baselines. */
  markdown: string;
}

const names = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const selected = names.length > 0 ? names : ALL;
await fs.mkdir('bench/results', { recursive: true });
const machine = `${os.cpus().length} × ${os.cpus()[0]?.model.trim() ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
for (const name of selected) {
  if (!ALL.includes(name)) {
    process.stderr.write(`unknown benchmark "${name}"; choose from: ${ALL.join(', ')}\n`);
    process.exit(2);
  }
  process.stdout.write(`\n=== bench ${name} ===\n`);
  const mod = (await import(path.resolve(`bench/${name}.ts`))) as { run: () => Promise<BenchResult> };
  const result = await mod.run();
  const header = `<!-- ${name}: ${new Date().toISOString()} on ${machine} -->\n`;
  await fs.writeFile(`bench/results/${name}.md`, header + result.markdown);
  process.stdout.write(`${result.markdown}\n`);
}
process.exit(0);
