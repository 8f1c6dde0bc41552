import { readFileSync } from 'node:fs';

/** Linux's USER_HZ: /proc reports CPU times in ticks of 1/100 s on every mainstream kernel. */
const TICKS_PER_SECOND = 100;

/** User + system CPU seconds consumed so far by a process, from /proc/<pid>/stat. */
export function processCpuSeconds(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after "(comm)" start at field 3 (state); utime and stime are fields 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return null;
  }
}
