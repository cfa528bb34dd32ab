export declare const ABSENT: string;
export declare const ROWS: string[];
export declare const TARGETS: [string, string][];
export declare const DEPLOYMENTS: { key: string; label: string; colour: string }[];

interface Unmeasured {
  unmeasured: string;
}
interface Load {
  connections: number;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
}
export interface ServerResults {
  [deployment: string]:
    { rows: { connections: number; baseline: Load; checks: Load }[] } | Unmeasured;
}
export interface BenchResults {
  date: string;
  machine: {
    cpus: number;
    model: string;
    memoryGiB: string;
    os: string;
    node: string;
    load: string;
  };
  options: string;
  sizes?: Record<string, { name: string; raw: number; gzip: number }> | Unmeasured;
  banner?:
    | {
        updates: number;
        update: { lit: { median: number; p95: number }; plain: { median: number; p95: number } };
        coldPages: number;
        cold: { lit: number; plain: number };
      }
    | Unmeasured;
  sdk?:
    | { calls: number; sdk: { p50: number; p99: number }; raw: { p50: number; p99: number } }
    | Unmeasured;
  server?: ServerResults;
  batch?: { ms: number } | Unmeasured;
  fanout?:
    | {
        subscribers: number;
        events: number;
        deliveries: number;
        missed: number;
        p50: number;
        p99: number;
        rssIdle: number;
        rssPeak: number;
        cpuMsPerEvent?: number;
      }
    | Unmeasured;
  surfaces?: {
    careTeam?: { baseline: Load; surface: Load } | Unmeasured;
    encounterStart?: { baseline: Load; surface: Load } | Unmeasured;
  };
}

export declare function renderReport(results: BenchResults): string;
export declare function renderChart(server: ServerResults | undefined): string;
