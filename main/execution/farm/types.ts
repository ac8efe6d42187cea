import type { BlenderJobInput, JobProgress, JobReply } from '../../../workers/blender/job-spec';
import type { FarmMode, FarmProcessState } from '../../../shared/farm/status';

export interface FarmJobOptions {
  label: string;
  /** Higher runs first. */
  priority?: number;
  /** Groups jobs so a whole run can be cancelled at once. */
  runId?: string;
  timeoutMs: number;
  /** Attempts before the job fails for good; each retry runs on another Blender process. */
  maxAttempts?: number;
  onProgress?: (progress: JobProgress) => void;
  /**
   * The job's progress as a fraction 0..1, from the frames it finished and the samples Cycles
   * reports on its output ("Fra:1 … | Sample 12/32"), as the farm shows it on the task.
   */
  onFraction?: (fraction: number) => void;
  /** A check of Blender (version ping), not a render; pings are probes without saying so. */
  probe?: boolean;
  onLog?: (line: string) => void;
}

export interface FarmProcessView {
  slot: number;
  mode: FarmMode;
  pid: number | null;
  state: FarmProcessState;
  jobsDone: number;
  rssBytes: number | null;
  taskId: string | null;
}

/**
 * What executors need from the render farm: run one Blender job on some process of the pool and
 * get its reply. A job reply with ok:false is a job-level failure (bad input, Blender error) and
 * is returned, not retried; a process failure (crash, timeout) is retried up to maxAttempts and
 * then rejects with TaskFailedError carrying every attempt's log.
 */
export interface RenderFarm {
  readonly concurrency: number;
  runJob(job: BlenderJobInput, options: FarmJobOptions): Promise<JobReply>;
  cancelRun(runId: string): number;
  close(): Promise<void>;
}
