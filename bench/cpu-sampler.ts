import { readdirSync, readFileSync } from 'node:fs';

/** CPU seconds spent during a measured window, split by who spent them. */
export interface CpuSpent {
  /** This process's main thread: the event loop, where our code, the drivers and the parser run. */
  main: number;
  /** Threads present before the phase's code ran: V8's (optimizing compiler, garbage collector's helpers). */
  runtime: number;
  /** Threads started later: libuv's pool (file system calls such as attachment files, DNS) and parser workers. */
  pool: number;
  /** The PostgreSQL and Dovecot processes on this machine (the servers the phase talks to). */
  servers: number;
}

interface CpuReading {
  /** The whole process, including threads that have ended. */
  process: number;
  threads: Map<string, number>;
  servers: number;
}

const SERVER_COMMANDS = new Set(['postgres', 'imap', 'imap-login', 'dovecot', 'auth']);

/** utime + stime in seconds, and the command name, from a /proc stat line. */
function parseStat(line: string): { name: string; seconds: number } {
  const name = line.slice(line.indexOf('(') + 1, line.lastIndexOf(')'));
  const fields = line.slice(line.lastIndexOf(')') + 2).split(' ');
  // Fields 14 and 15 of stat(5), counted from the state field (the 3rd) here.
  const ticks = Number(fields[11]) + Number(fields[12]);
  return { name, seconds: ticks / 100 };
}

function readStat(path: string): { name: string; seconds: number } | null {
  try {
    return parseStat(readFileSync(path, 'utf8'));
  } catch {
    // The process or thread ended between the listing and the read.
    return null;
  }
}

function listTasks(): string[] {
  try {
    return readdirSync('/proc/self/task');
  } catch {
    return [];
  }
}

/**
 * The threads this module found when it was loaded: the main thread and V8's platform threads, which
 * Node starts before any script runs. libuv starts its pool at the first operation that needs it, so
 * importing this module before anything else of the phase tells the two kinds apart.
 */
const threadsAtLoad = new Set(listTasks());

function serverSeconds(): number {
  let seconds = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(`/proc/${entry}/stat`);
    if (stat && SERVER_COMMANDS.has(stat.name)) seconds += stat.seconds;
  }
  return seconds;
}

function read(): CpuReading | null {
  const threads = new Map<string, number>();
  for (const task of listTasks()) {
    const stat = readStat(`/proc/self/task/${task}/stat`);
    if (stat) threads.set(task, stat.seconds);
  }
  const total = readStat('/proc/self/stat');
  if (!total || !threads.has(String(process.pid))) return null;
  return { process: total.seconds, threads, servers: serverSeconds() };
}

/**
 * Starts measuring CPU time (Linux /proc, clock-tick resolution); `stop` answers what was spent since,
 * or null where /proc is not there. A thread that ended during the window counts as `pool`. Server
 * processes that exit during the window take their time with them, so `servers` counts only the ones
 * still running at the end (PostgreSQL backends and Dovecot's imap processes stay for the whole phase).
 */
export function measureCpu(): { stop(): CpuSpent | null } {
  const start = read();
  return {
    stop: () => {
      const end = read();
      if (!start || !end) return null;
      const spentBy = (task: string) => (end.threads.get(task) ?? 0) - (start.threads.get(task) ?? 0);
      const main = spentBy(String(process.pid));
      let runtime = 0;
      for (const task of threadsAtLoad) {
        // One that ended during the window is left in the remainder, with the threads that ended.
        if (task !== String(process.pid) && start.threads.has(task) && end.threads.has(task)) runtime += spentBy(task);
      }
      return {
        main,
        runtime,
        pool: Math.max(0, end.process - start.process - main - runtime),
        servers: Math.max(0, end.servers - start.servers),
      };
    },
  };
}
