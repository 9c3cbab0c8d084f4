/**
 * `npm run bench -- <name…>` runs the named benchmarks (bench/<name>.ts); with no name,
 * all of them in order. Each prints its figures and writes a Markdown section to
 * bench/results/<name>.md, headed by what the rest of the machine did during the run.
 * A full run of all of them also rewrites the "One run of everything" part of
 * docs/PERFORMANCE.md, so that page always holds one complete, dated run.
 * `--quick` (BENCH_QUICK=1) is a smoke run: 1-second rounds, small counts; it checks the
 * instruments and never touches the docs.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describeMachine } from './machine.ts';
import { CONNECTIONS, POOL_SIZES, QUICK, ROUNDS, ROUND_SECONDS, SERVER_NODE_FLAGS, WARMUP_SECONDS, machine, sleep } from './support.ts';

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

function commit(): string {
  try {
    const hash = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'server', 'shared', 'bench'], { encoding: 'utf8' }).trim() !== '';
    return dirty ? `${hash} with uncommitted changes` : hash;
  } catch {
    return 'unknown commit';
  }
}

await fs.mkdir('bench/results', { recursive: true });
const machineName = `${os.cpus().length} × ${os.cpus()[0]?.model.trim() ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
const method =
  `${ROUNDS} interleaved rounds of ${ROUND_SECONDS} s after a ${WARMUP_SECONDS} s warm-up, ${CONNECTIONS} connections, ` +
  `bare pools tried: ${POOL_SIZES.join(', ')}; servers run with \`node ${SERVER_NODE_FLAGS.join(' ')}\`, NODE_ENV=production`;
const started = new Date();
const sections: string[] = [];
if (QUICK) process.stdout.write('QUICK RUN: a smoke test of the instruments; its numbers are not figures.\n');
machine.start();
for (const name of selected) {
  process.stdout.write(`\n=== bench ${name} ===\n`);
  const mod = (await import(path.resolve(`bench/${name}.ts`))) as { run: () => Promise<BenchResult> };
  // What the rest of the machine was doing just before, with nothing of ours running.
  const idle = machine.open();
  await sleep(2_000);
  const before = idle.close();
  const during = machine.open();
  const result = await mod.run();
  const note = describeMachine(before, during.close());
  process.stdout.write(`${note}\n`);
  const header = [
    `<!-- ${name}: ${new Date().toISOString()} on ${machineName}, ${commit()} -->`,
    QUICK ? '**Quick smoke run: these numbers are not figures.**\n' : '',
    `_${note}_`,
    '',
    `_Method: ${method}._`,
    '',
  ].join('\n');
  const markdown = `${header}\n${result.markdown.trim()}\n`;
  await fs.writeFile(`bench/results/${name}.md`, markdown);
  sections.push(`### ${name} (\`npm run bench -- ${name}\`)\n\n${markdown.replace(/^<!--.*-->\n/, '')}`);
  process.stdout.write(`${result.markdown}\n`);
}
machine.stop();

if (names.length === 0 && !QUICK) {
  const report = await fs.readFile(REPORT, 'utf8');
  const from = report.indexOf(START);
  const to = report.indexOf(END);
  if (from >= 0 && to > from) {
    const minutes = Math.round((Date.now() - started.getTime()) / 60_000);
    const body = [
      START,
      `All benchmarks, one \`npm run bench\` run started ${started.toISOString().replace(/\.\d+Z$/, 'Z')}, ${minutes} min, on ${machineName}, ${commit()}.`,
      '',
      ...sections,
      END,
    ].join('\n');
    await fs.writeFile(REPORT, report.slice(0, from) + body + report.slice(to + END.length));
    process.stdout.write(`\n${REPORT}: "One run of everything" rewritten.\n`);
  }
}
process.exit(0);
