import { round } from './latency';
import type { LoadPhase } from './mhd-load-run';

/** The phases compared, by their name in mhd-load's result. */
const COMPARED: Readonly<Record<string, string>> = {
  'iti65@': 'ITI-65 bundles',
  'iti67-patient': 'ITI-67 searches by patient',
  'iti67-type': 'ITI-67 searches by patient and type',
  iti68: 'ITI-68 reads',
};

export interface Round {
  readonly floor: readonly LoadPhase[];
  /** With --audited-floor: bench/audited-floor-server.ts, run between the two. */
  readonly auditedFloor?: readonly LoadPhase[];
  readonly gateway: readonly LoadPhase[];
}

/**
 * Per transaction: the rates and CPU per operation, round by round and their medians, and the
 * ratio gateway / floor — the median of the rounds' ratios, each taken between runs next to each
 * other in time, so that the machine's other work weighs on every side alike. With the audited
 * floor: its ratio to the floor (how far the DMP's mandatory work lets any implementation come),
 * and the gateway's to it.
 */
export function compareRounds(rounds: readonly Round[]) {
  return Object.fromEntries(
    Object.entries(COMPARED).map(([prefix, label]) => {
      const of = (phases: readonly LoadPhase[] | undefined) => phases && phaseOf(phases, prefix);
      const sides = rounds.map((r) => ({
        floor: phaseOf(r.floor, prefix),
        auditedFloor: of(r.auditedFloor),
        gateway: phaseOf(r.gateway, prefix),
      }));
      type Side = (round: (typeof sides)[number]) => LoadPhase | undefined;
      /** The median over the rounds of one side's rate over another's, in the same round. */
      const ratio = (side: Side, over: Side) =>
        median(
          sides.flatMap((round) => {
            const [measured, base] = [side(round), over(round)];
            return measured && base
              ? [measured.throughputPerSec / Math.max(base.throughputPerSec, 1e-9)]
              : [];
          }),
          2,
        );
      const audited = sides.flatMap((round) => round.auditedFloor ?? []);
      return [
        sides[0].gateway.name,
        {
          transaction: label,
          ratio: ratio(
            (round) => round.gateway,
            (round) => round.floor,
          ),
          ...(audited.length
            ? {
                auditedFloorRatio: ratio(
                  (round) => round.auditedFloor,
                  (round) => round.floor,
                ),
                ratioToAuditedFloor: ratio(
                  (round) => round.gateway,
                  (round) => round.auditedFloor,
                ),
              }
            : {}),
          floor: summarise(sides.map((round) => round.floor)),
          ...(audited.length ? { auditedFloor: summarise(audited) } : {}),
          gateway: summarise(sides.map((round) => round.gateway)),
        },
      ];
    }),
  );
}

function phaseOf(phases: readonly LoadPhase[], prefix: string): LoadPhase {
  const phase = phases.find((p) => p.name.startsWith(prefix));
  if (!phase) throw new Error(`mhd-load gave no phase ${prefix}`);
  return phase;
}

/** Medians over the rounds, and each round's figures. Server CPU is the Node.js process's. */
function summarise(phases: readonly LoadPhase[]) {
  const cpu = (pick: (p: LoadPhase) => number | null) =>
    median(phases.map(pick).filter((x): x is number => x !== null));
  return {
    perSecond: median(
      phases.map((p) => p.throughputPerSec),
      1,
    ),
    serverCpuMsPerOp: cpu((p) => p.resources.cpuMsPerOk.server),
    postgresCpuMsPerOp: cpu((p) => p.resources.cpuMsPerOk.postgres),
    p50Ms: median(
      phases.map((p) => p.latencyMs.p50 ?? 0),
      2,
    ),
    p99Ms: median(
      phases.map((p) => p.latencyMs.p99 ?? 0),
      2,
    ),
    rounds: phases.map((p) => ({
      perSecond: p.throughputPerSec,
      serverCpuMsPerOp: p.resources.cpuMsPerOk.server,
      postgresCpuMsPerOp: p.resources.cpuMsPerOk.postgres,
      failed: p.requests - p.ok,
      loadAverageBefore: p.resources.loadavgBefore[0],
    })),
  };
}

/** Requests that did not succeed, over every phase of every round. */
export function failedRequests(rounds: readonly Round[]): number {
  return rounds
    .flatMap((r) => [...r.floor, ...(r.auditedFloor ?? []), ...r.gateway])
    .reduce((sum, phase) => sum + phase.requests - phase.ok, 0);
}

function median(values: readonly number[], decimals = 3): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const value = sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  return round(value, decimals);
}
