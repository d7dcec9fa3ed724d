/** The markdown table of `npm run bench` and its place in README.md (between the bench markers). */
import type { BenchResult } from './results.ts';

export interface BenchRun {
  bench: string;
  args: string;
  seconds: number;
  /** 1, 5 and 15 minute load averages when the benchmark started. */
  load: string;
  results: BenchResult[];
  failed?: string;
}

export const START_MARKER = '<!-- bench:start -->';
export const END_MARKER = '<!-- bench:end -->';

const show = (v: number): string => (Math.abs(v) >= 1000 ? Math.round(v).toLocaleString('en') : Math.abs(v) < 0.01 && v !== 0 ? v.toExponential(1) : String(v));
const cell = (text: string): string => text.replace(/\|/g, '\\|');

export function renderTable(runs: BenchRun[]): string {
  const lines = ['| workload | size | figure | target | met | load average (1/5/15 min) |', '|---|---|---|---|---|---|'];
  for (const run of runs) {
    for (const r of run.results) {
      const met = r.met === null ? '–' : r.met ? 'yes' : '**no**';
      lines.push(`| ${cell(r.workload)} | ${cell(r.size)} | ${`${show(r.figure)} ${cell(r.unit)}`.trim()} | ${cell(r.target)}${/^[<≥] [\d,.e+-]+$/.test(r.target) && r.unit ? ` ${cell(r.unit)}` : ''} | ${met} | ${run.load} |`);
    }
    if (run.failed) lines.push(`| bench:${run.bench} | ${cell(run.args)} | failed: ${cell(run.failed)} | | **no** | ${run.load} |`);
  }
  return lines.join('\n');
}

export function renderReadmeSection(runs: BenchRun[], about: { date: string; machine: string }): string {
  const minutes = runs.reduce((s, r) => s + r.seconds, 0) / 60;
  return [
    START_MARKER,
    `Measured by \`npm run bench\` on ${about.date}, ${about.machine}, in ${minutes.toFixed(1)} min. Sizes are the`,
    'small ones of `npm run bench`; each `npm run bench:<name>` runs its full size. The machine may be shared:',
    'the load average is the one at the start of each benchmark, and figures under load are lower bounds.',
    '',
    renderTable(runs),
    END_MARKER,
  ].join('\n');
}

/** `readme` with the section between the markers replaced (or appended to the Benchmarks heading's text when absent). */
export function replaceSection(readme: string, section: string): string {
  const from = readme.indexOf(START_MARKER);
  const to = readme.indexOf(END_MARKER);
  if (from >= 0 && to > from) return readme.slice(0, from) + section + readme.slice(to + END_MARKER.length);
  const heading = readme.indexOf('## Benchmarks');
  if (heading < 0) return `${readme.trimEnd()}\n\n## Benchmarks\n\n${section}\n`;
  const next = readme.indexOf('\n## ', heading + 1);
  const at = next < 0 ? readme.length : next + 1;
  return `${readme.slice(0, at).trimEnd()}\n\n${section}\n\n${readme.slice(at)}`;
}
