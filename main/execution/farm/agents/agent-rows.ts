import type Database from 'better-sqlite3';
import type { FarmAgentView } from '../../../../shared/farm/status';

interface Row {
  id: string;
  name: string;
  host: string;
  kind: 'agent' | 'pilot';
  slurm_job_id: string | null;
  state: FarmAgentView['state'];
  slots: number;
  busy: number;
  blender_version: string | null;
  tasks_done: number;
  last_seen: string;
  current_tasks_json: string;
}

/**
 * What the controller last knew of each render agent (table farm_agents, migration 15): the
 * registry itself lives in the controller's memory; this copy lets another process on the same
 * data directory (`lightbox farm status`) list the agents too.
 */
export function createAgentRows(db: Database.Database) {
  const upsert = db.prepare(`INSERT INTO farm_agents (id, name, host, kind, slurm_job_id, state, slots, busy, blender_version, tasks_done, last_seen, current_tasks_json)
    VALUES (@id, @name, @host, @kind, @slurmJobId, @state, @slots, @busy, @blenderVersion, @tasksDone, @lastSeen, @currentTasks)
    ON CONFLICT(id) DO UPDATE SET name = excluded.name, host = excluded.host, kind = excluded.kind, slurm_job_id = excluded.slurm_job_id, state = excluded.state,
      slots = excluded.slots, busy = excluded.busy, blender_version = excluded.blender_version, tasks_done = excluded.tasks_done,
      last_seen = excluded.last_seen, current_tasks_json = excluded.current_tasks_json`);
  const all = db.prepare<[], Row>('SELECT * FROM farm_agents ORDER BY last_seen DESC LIMIT 200');
  const lostAll = db.prepare("UPDATE farm_agents SET state = 'lost', busy = 0, current_tasks_json = '[]' WHERE state IN ('online', 'draining')");
  return {
    save(v: FarmAgentView) {
      upsert.run({ ...v, currentTasks: JSON.stringify(v.currentTasks) });
    },
    list(): FarmAgentView[] {
      return all.all().map((r) => ({
        id: r.id,
        name: r.name,
        host: r.host,
        kind: r.kind,
        slurmJobId: r.slurm_job_id,
        state: r.state,
        slots: r.slots,
        busy: r.busy,
        blenderVersion: r.blender_version,
        tasksDone: r.tasks_done,
        lastSeen: r.last_seen,
        currentTasks: JSON.parse(r.current_tasks_json) as FarmAgentView['currentTasks'],
        blocklisted: [],
      }));
    },
    /** A controller starting: whatever the last one had online is gone with it. */
    markAllLost() {
      lostAll.run();
    },
  };
}
