/**
 * Where a CLI run's time goes, for finding what to make faster: with KIZUNA_TIMINGS=1 each phase
 * mark prints one line to stderr, the wall milliseconds since the process started (performance.now()
 * counts from node's own start, so the first mark includes start-up and module loading), the
 * phase's own milliseconds, the process's CPU milliseconds so far (every thread) and its page faults
 * so far (each a first touch of fresh memory: thousands of them cost real time) and, on Linux, this
 * thread's own CPU milliseconds: with helper threads, the main thread's CPU is the run's critical
 * path, which a loaded machine's wall time hides. Without the variable a mark costs one property read.
 */
import { readFileSync } from 'node:fs';

const enabled = process.env.KIZUNA_TIMINGS === '1';
let last = 0;
if (enabled) process.on('exit', () => phaseDone('to exit'));

export function phaseDone(name: string): void {
  if (!enabled) return;
  const now = performance.now();
  const use = process.resourceUsage();
  process.stderr.write(
    `[timing] ${name.padEnd(28)} ${(now - last).toFixed(0).padStart(6)} ms   at ${now.toFixed(0).padStart(6)} ms   ` +
      `cpu ${((use.userCPUTime + use.systemCPUTime) / 1000).toFixed(0).padStart(6)} ms   faults ${String(use.minorPageFault).padStart(7)}${mainThreadCpu()}\n`,
  );
  last = now;
}

/** "   main thread cpu N ms" from Linux's per-thread scheduler statistics (nanoseconds on a CPU), else "". */
function mainThreadCpu(): string {
  try {
    const ns = Number(readFileSync('/proc/thread-self/schedstat', 'latin1').split(' ')[0]);
    return `   main thread cpu ${(ns / 1e6).toFixed(0).padStart(6)} ms`;
  } catch {
    return '';
  }
}
