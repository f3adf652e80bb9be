import { readdirSync, readFileSync } from 'node:fs';

/** CPU seconds spent during a measured window, split by who spent them. */
export interface CpuSpent {
  /** This process's main thread: the event loop, where our code, the drivers and the parser run. */
  main: number;
  /** This process's other threads: V8's compiler and garbage-collector helpers, libuv's pool, workers. */
  threads: number;
  /** The PostgreSQL and Dovecot processes on this machine (the servers the phase talks to). */
  servers: number;
}

interface CpuReading {
  process: number;
  main: number;
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
  const process_ = readStat('/proc/self/stat');
  const main = readStat(`/proc/self/task/${process.pid}/stat`);
  if (!process_ || !main) return null;
  return { process: process_.seconds, main: main.seconds, servers: serverSeconds() };
}

/**
 * Starts measuring CPU time (Linux /proc, clock-tick resolution); `stop` answers what was spent since,
 * or null where /proc is not there. Server processes that exit during the window take their time with
 * them, so `servers` counts only the ones still running at the end (PostgreSQL backends and Dovecot's
 * imap processes stay for the whole phase).
 */
export function measureCpu(): { stop(): CpuSpent | null } {
  const start = read();
  return {
    stop: () => {
      const end = read();
      if (!start || !end) return null;
      const main = end.main - start.main;
      return {
        main,
        threads: end.process - start.process - main,
        servers: Math.max(0, end.servers - start.servers),
      };
    },
  };
}
