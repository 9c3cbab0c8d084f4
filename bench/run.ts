/**
 * `npm run bench -- <name…>` runs the named benchmarks (bench/<name>.ts); with no name,
 * all of them in order. Each prints its figures and writes a Markdown section to
 * bench/results/<name>.md. A run of all of them also rewrites the "One run of everything"
 * part of docs/PERFORMANCE.md, so that page always holds one complete, dated run.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

const ALL = ['menu', 'register', 'orders', 'events', 'client', 'party'];
const REPORT = 'docs/PERFORMANCE.md';
const START = '<!-- full-run:start -->';
const END = '<!-- full-run:end -->';

export interface BenchResult {
  /** Markdown for docs/PERFORMANCE.md: a table of figures next to their in-run baselines. */
  markdown: string;
}

const names = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const selected = names.length > 0 ? names : ALL;
const unknown = selected.filter((name) => !ALL.includes(name));
if (unknown.length > 0) {
  process.stderr.write(`unknown benchmark "${unknown.join('", "')}"; choose from: ${ALL.join(', ')}\n`);
  process.exit(2);
}
await fs.mkdir('bench/results', { recursive: true });
const machine = `${os.cpus().length} × ${os.cpus()[0]?.model.trim() ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
const started = new Date();
const sections: string[] = [];
for (const name of selected) {
  process.stdout.write(`\n=== bench ${name} ===\n`);
  const mod = (await import(path.resolve(`bench/${name}.ts`))) as { run: () => Promise<BenchResult> };
  const result = await mod.run();
  const header = `<!-- ${name}: ${new Date().toISOString()} on ${machine} -->\n`;
  await fs.writeFile(`bench/results/${name}.md`, header + result.markdown);
  sections.push(`### ${name} (\`npm run bench -- ${name}\`)\n\n${result.markdown.trim()}\n`);
  process.stdout.write(`${result.markdown}\n`);
}

if (names.length === 0) {
  const report = await fs.readFile(REPORT, 'utf8');
  const from = report.indexOf(START);
  const to = report.indexOf(END);
  if (from >= 0 && to > from) {
    const minutes = Math.round((Date.now() - started.getTime()) / 60_000);
    const body = [
      START,
      `All benchmarks, one \`npm run bench\` run started ${started.toISOString().replace(/\.\d+Z$/, 'Z')}, ${minutes} min, on ${machine}.`,
      '',
      ...sections,
      END,
    ].join('\n');
    await fs.writeFile(REPORT, report.slice(0, from) + body + report.slice(to + END.length));
    process.stdout.write(`\n${REPORT}: "One run of everything" rewritten.\n`);
  }
}
process.exit(0);
