/**
 * How quiet the machine was while a bench ran. Figures on a shared 2-core box mean little
 * without this: another session's tests take CPU from the server under test, its baseline
 * and the load generator, and not in equal measure.
 *
 * Once a second the monitor reads the machine's busy time (/proc/stat, steal included: a
 * neighbour VM taking our CPU is load too) and the CPU time of this bench's own processes:
 * the bench's process tree (servers under test, baselines, load generators, Chromium) and
 * the PostgreSQL processes working for it (backends of its databases, and PostgreSQL's own
 * writer processes). "Others" is the difference: what the rest of the machine used.
 * A process of ours that exits keeps the CPU time last seen (its children's times are not
 * used: a process whose parent exits is re-parented outside our tree, and its time would be
 * lost); so a process's last second, or one that lived less than a second, counts as others.
 */
import fs from 'node:fs';
import os from 'node:os';

/** Others using more than this many cores on average make a run "not quiet". */
export const QUIET_OTHER_CORES = 0.15;
const USER_HZ = 100;
const CORES = os.cpus().length;

interface Sample {
  at: number;
  /** Busy jiffies of the whole machine. */
  busy: number;
  /** Jiffies of every process of ours seen so far, up to now. */
  ours: number;
}

export interface MachineWindow {
  seconds: number;
  /** Cores the rest of the machine used on average, and in its busiest second. */
  otherCores: number;
  peakOtherCores: number;
  /** 1-minute load average when the window opened and closed. */
  loadBefore: number;
  loadAfter: number;
  quiet: boolean;
}

function machineBusy(): number {
  const [, user, nice, system, , , irq, softirq, steal] = fs.readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!.trim().split(/\s+/).map(Number);
  return user! + nice! + system! + irq! + softirq! + steal!;
}

const loadAverage = () => Number(fs.readFileSync('/proc/loadavg', 'utf8').split(' ')[0]);

interface ProcStat {
  ppid: number;
  /** utime + stime, in jiffies */
  cpu: number;
  /** pid and start time: a process's identity even when its pid is reused */
  id: string;
  command: string;
}

function procStat(pid: number): ProcStat | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(') ') + 2).split(' ');
    return { ppid: Number(fields[1]), cpu: Number(fields[11]) + Number(fields[12]), id: `${pid}@${fields[19]}`, command: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(') ')) };
  } catch {
    return undefined; // exited while we looked
  }
}

export class MachineMonitor {
  private readonly samples: Sample[] = [];
  private timer: NodeJS.Timeout | undefined;
  /** CPU time last seen of every process of ours, alive or gone. */
  private readonly ours = new Map<string, number>();

  /**
   * @param databaseMark a substring of every database this bench creates, to recognise the
   *   PostgreSQL backends that work for it by their process title.
   */
  constructor(private readonly databaseMark: string) {}

  start(): void {
    if (this.timer) return;
    this.samples.push(this.sample());
    this.timer = setInterval(() => {
      this.samples.push(this.sample());
      // An hour of samples is plenty for any bench.
      if (this.samples.length > 3_600) this.samples.shift();
    }, 1_000);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Opens a window now; its `close()` says what the rest of the machine did meanwhile. */
  open(): { close: () => MachineWindow } {
    this.start();
    const first = this.sample();
    const loadBefore = loadAverage();
    return {
      close: () => {
        const last = this.sample();
        const inside = [first, ...this.samples.filter((s) => s.at > first.at && s.at < last.at), last];
        let peak = 0;
        for (let i = 1; i < inside.length; i++) peak = Math.max(peak, otherCores(inside[i - 1]!, inside[i]!));
        const average = otherCores(first, last);
        return {
          seconds: (last.at - first.at) / 1000,
          otherCores: average,
          peakOtherCores: Math.max(peak, average),
          loadBefore,
          loadAfter: loadAverage(),
          quiet: average <= QUIET_OTHER_CORES,
        };
      },
    };
  }

  private sample(): Sample {
    const stats = new Map<number, ProcStat>();
    for (const name of fs.readdirSync('/proc')) {
      if (!/^\d+$/.test(name)) continue;
      const stat = procStat(Number(name));
      if (stat) stats.set(Number(name), stat);
    }
    // This process and its descendants.
    const mine = new Set<number>([process.pid]);
    for (let grew = true; grew; ) {
      grew = false;
      for (const [pid, stat] of stats) {
        if (!mine.has(pid) && mine.has(stat.ppid)) {
          mine.add(pid);
          grew = true;
        }
      }
    }
    for (const [pid, stat] of stats) {
      if (mine.has(pid) || (stat.command === 'postgres' && this.worksForUs(pid))) this.ours.set(stat.id, stat.cpu);
    }
    let ours = 0;
    for (const cpu of this.ours.values()) ours += cpu;
    return { at: Date.now(), busy: machineBusy(), ours };
  }

  /** PostgreSQL backends of our databases (their title names the database), and PostgreSQL's shared writers. */
  private worksForUs(pid: number): boolean {
    let title: string;
    try {
      title = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    } catch {
      return false;
    }
    if (!title.startsWith('postgres: ')) return false;
    return title.includes(this.databaseMark) || /: (walwriter|checkpointer|background writer)\b/.test(title);
  }
}

/** Cores the rest of the machine used between two samples. */
function otherCores(from: Sample, to: Sample): number {
  const seconds = (to.at - from.at) / 1000;
  if (seconds <= 0) return 0;
  return Math.max(0, (to.busy - from.busy - (to.ours - from.ours)) / USER_HZ / seconds);
}

/** What the rest of the machine did before and during a bench, for the figures it stands next to; a warning when it was busy. */
export function describeMachine(before: MachineWindow, during: MachineWindow): string {
  const cores = (value: number) => value.toFixed(2);
  const line =
    `Machine (${CORES} cores): other processes used ${cores(before.otherCores)} cores just before the run and ` +
    `${cores(during.otherCores)} on average during its ${Math.round(during.seconds)} s (busiest second ${cores(during.peakOtherCores)}); ` +
    `1-minute load average ${before.loadBefore.toFixed(2)} before, ${during.loadAfter.toFixed(2)} at the end.`;
  return before.quiet && during.quiet
    ? `${line} Quiet (others ≤ ${QUIET_OTHER_CORES} cores).`
    : `${line} **Warning: the machine was not quiet** (others > ${QUIET_OTHER_CORES} cores): absolute figures are low and same-run ratios noisier.`;
}
