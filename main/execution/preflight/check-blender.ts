import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BlenderEngine, BlenderPython, EngineProbe, ExecutableSource, PreflightCheck, PreflightReport } from '../../../shared/preflight/report';
import { resourcesDir } from '../../../workers/resources/paths';
import { makeBoxesGlb } from '../../../workers/blender/test-glb';
import { blenderVersion, lastMarkedLine, runBlender, type RunBlenderResult } from '../../../workers/blender/run-blender';
import { findTool } from '../../platform/tools/find-executable';
import { readPngSize } from '../../platform/files/png-size';

export const PROBED_ENGINES: readonly BlenderEngine[] = ['CYCLES', 'BLENDER_EEVEE', 'BLENDER_WORKBENCH'];
export const PROBE_SIZE = 16;

const ENGINE_NAMES: Record<BlenderEngine, string> = {
  CYCLES: 'Cycles',
  BLENDER_EEVEE: 'Eevee',
  BLENDER_WORKBENCH: 'Workbench',
};

export function engineCheckId(engine: BlenderEngine): string {
  return `engine.${engine}`;
}

export function engineTitle(engine: BlenderEngine): string {
  return `${ENGINE_NAMES[engine]} renders headless`;
}

export function probeScriptPath(): string {
  return path.join(resourcesDir(), 'blender', 'probe_engine.py');
}

export function pythonProbeScriptPath(): string {
  return path.join(resourcesDir(), 'blender', 'probe_python.py');
}

export const PYTHON_CHECK_ID = 'blender.python';
const PYTHON_TITLE = "Blender's Python (numpy, glTF import)";

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

function sourceText(source: ExecutableSource): string {
  if (source === 'setting') return 'from Settings';
  if (source === 'env') return 'from BLENDER_PATH';
  return 'found on PATH';
}

/** The last few lines Blender printed that look like an error, to explain a silent failure. */
function lastErrorLines(result: RunBlenderResult, count = 3): string {
  const lines = `${result.stdout}\n${result.stderr}`
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean);
  const errors = lines.filter((line) => /error|fail|abort|segmentation|exception|fatal/i.test(line));
  const picked = (errors.length > 0 ? errors : lines).slice(-count).join(' | ');
  return picked.length > 400 ? `${picked.slice(0, 400)}…` : picked;
}

interface ProbeReply {
  ok?: unknown;
  error?: unknown;
  engineUsed?: unknown;
  denoiser?: unknown;
}

export interface ProbeEngineInput {
  binary: string;
  engine: BlenderEngine;
  outDir: string;
  timeoutMs: number;
  env?: NodeJS.ProcessEnv;
  /** Extra variables for Blender (Settings → blenderEnv). */
  blenderEnv?: Record<string, string>;
  scriptPath?: string;
  signal?: AbortSignal;
}

export interface ProbeEngineResult extends EngineProbe {
  /** The PNG written, when it rendered. */
  file: string | null;
  /** Whether this Blender's Cycles has OpenImageDenoise; null when unknown. */
  denoiser?: boolean | null;
}

export const DENOISER_CHECK_ID = 'denoiser';

/** Presets may ask for `renderer.denoise`; a Blender without OpenImageDenoise fails those renders. */
export function denoiserCheck(available: boolean | null | undefined): PreflightCheck {
  const title = 'Denoiser (OpenImageDenoise)';
  if (available === true) return { id: DENOISER_CHECK_ID, title, status: 'ok', detail: 'Cycles has OpenImageDenoise: renders with denoise on work.' };
  if (available === false) {
    return {
      id: DENOISER_CHECK_ID,
      title,
      status: 'warn',
      detail: 'This Blender was built without OpenImageDenoise: renders with renderer.denoise = true will fail.',
      fix: 'Use a Blender build with OpenImageDenoise (the blender.org builds have it), or keep denoise off in the render presets.',
    };
  }
  return { id: DENOISER_CHECK_ID, title, status: 'warn', detail: 'Not tested: Cycles did not render, so denoiser support is unknown.', fix: 'Fix the Blender and Cycles checks first.' };
}

/** Renders the factory scene with one engine in its own Blender and checks the PNG it wrote. */
export async function probeEngine(input: ProbeEngineInput): Promise<ProbeEngineResult> {
  const out = path.join(input.outDir, `${input.engine.toLowerCase()}.png`);
  const started = Date.now();
  const failed = (detail: string): ProbeEngineResult => ({
    engine: input.engine,
    renders: false,
    detail,
    durationMs: Date.now() - started,
    file: null,
  });

  let result: RunBlenderResult;
  try {
    result = await runBlender({
      binary: input.binary,
      pythonScript: input.scriptPath ?? probeScriptPath(),
      scriptArgs: ['--engine', input.engine, '--out', out],
      timeoutMs: input.timeoutMs,
      env: input.env,
      extraEnv: input.blenderEnv,
      cwd: input.outDir,
      signal: input.signal,
    });
  } catch (error) {
    return failed((error as Error).message);
  }

  if (result.timedOut) return failed(`did not finish within ${seconds(input.timeoutMs)}; Blender was stopped`);
  if (result.aborted) return failed('stopped before it finished');

  const reply = lastMarkedLine(result.stdout, 'LIGHTBOX_RESULT', result.nonce) as ProbeReply | null;
  const exit = result.signal ? `signal ${result.signal}` : `exit code ${result.exitCode}`;
  if (!reply || typeof reply !== 'object') {
    return failed(`Blender ended (${exit}) without reporting a result: ${lastErrorLines(result) || 'no output'}`);
  }
  if (reply.ok !== true) {
    const message = typeof reply.error === 'string' ? reply.error : 'unknown error';
    return failed(message);
  }

  const size = await readPngSize(out);
  if (!size) return failed(`Blender reported success but ${out} is missing or is not a PNG`);
  if (size.width !== PROBE_SIZE || size.height !== PROBE_SIZE) {
    return failed(`the PNG is ${size.width}x${size.height}, expected ${PROBE_SIZE}x${PROBE_SIZE}`);
  }
  const durationMs = Date.now() - started;
  const used = typeof reply.engineUsed === 'string' && reply.engineUsed !== input.engine ? ` as ${reply.engineUsed}` : '';
  // A crash while shutting down (seen with some GL drivers) does not undo a finished render.
  const exitNote = result.exitCode === 0 ? '' : ` (Blender then ended with ${exit})`;
  return {
    engine: input.engine,
    renders: true,
    denoiser: typeof reply.denoiser === 'boolean' ? reply.denoiser : null,
    detail: `rendered a ${PROBE_SIZE}x${PROBE_SIZE} PNG${used} in ${seconds(durationMs)}${exitNote}`,
    durationMs,
    file: out,
  };
}

export interface ProbePythonInput {
  binary: string;
  outDir: string;
  timeoutMs: number;
  env?: NodeJS.ProcessEnv;
  blenderEnv?: Record<string, string>;
}

export interface ProbePythonResult {
  check: PreflightCheck;
  python: BlenderPython | null;
}

interface PythonReply {
  ok?: unknown;
  error?: unknown;
  python?: { version?: unknown; executable?: unknown; prefix?: unknown };
  numpy?: { version?: unknown };
  meshes?: unknown;
}

/**
 * Imports numpy and a tiny GLB inside Blender (resources/blender/probe_python.py), in the same
 * environment renders get, and reports the Python Blender runs: what renders need of Python is
 * checked where it runs, not in the user's shell.
 */
export async function probePython(input: ProbePythonInput): Promise<ProbePythonResult> {
  const glb = path.join(input.outDir, 'probe-box.glb');
  const fail = (detail: string, python: BlenderPython | null = null): ProbePythonResult => ({
    check: {
      id: PYTHON_CHECK_ID,
      title: PYTHON_TITLE,
      status: 'fail',
      detail,
      fix:
        "Renders import glTF with Blender's Python and numpy. Install numpy for Blender's Python (Debian: " +
        'apt-get install python3-numpy), or use a blender.org build (it bundles both). If a variable in Settings → ' +
        'Blender environment points Blender at another Python, remove it.',
    },
    python,
  });
  let result: RunBlenderResult;
  try {
    await fs.promises.writeFile(glb, await makeBoxesGlb([{ name: 'probe_box', size: [1, 1, 1], translation: [0, 0, 0] }]));
    result = await runBlender({
      binary: input.binary,
      pythonScript: pythonProbeScriptPath(),
      scriptArgs: ['--glb', glb],
      timeoutMs: input.timeoutMs,
      env: input.env,
      extraEnv: input.blenderEnv,
      cwd: input.outDir,
    });
  } catch (error) {
    return fail((error as Error).message);
  }
  if (result.timedOut) return fail(`did not finish within ${seconds(input.timeoutMs)}; Blender was stopped`);
  const reply = lastMarkedLine(result.stdout, 'LIGHTBOX_RESULT', result.nonce) as PythonReply | null;
  const exit = result.signal ? `signal ${result.signal}` : `exit code ${result.exitCode}`;
  if (!reply || typeof reply !== 'object') {
    return fail(`Blender's Python did not start or did not report (${exit}): ${lastErrorLines(result) || 'no output'}`);
  }
  const str = (value: unknown) => (typeof value === 'string' ? value : '?');
  const python: BlenderPython | null = reply.python
    ? {
        version: str(reply.python.version),
        executable: str(reply.python.executable),
        prefix: str(reply.python.prefix),
        numpy: typeof reply.numpy?.version === 'string' ? reply.numpy.version : null,
      }
    : null;
  const which = python ? `Python ${python.version} (${python.executable || 'no executable'}, prefix ${python.prefix})` : 'Python';
  if (reply.ok !== true) return fail(`${which}: ${typeof reply.error === 'string' ? reply.error : 'unknown error'}`, python);
  return {
    check: {
      id: PYTHON_CHECK_ID,
      title: PYTHON_TITLE,
      status: 'ok',
      detail: `${which}: numpy ${python?.numpy ?? '?'} imports, and a GLB imports (${String(reply.meshes)} mesh).`,
    },
    python,
  };
}

function engineCheck(probe: EngineProbe): PreflightCheck {
  const name = ENGINE_NAMES[probe.engine];
  const base = { id: engineCheckId(probe.engine), title: engineTitle(probe.engine) };
  if (probe.renders) return { ...base, status: 'ok', detail: `${name} ${probe.detail}.` };
  const detail = `${name} could not render: ${probe.detail}.`;
  switch (probe.engine) {
    case 'CYCLES':
      return {
        ...base,
        status: 'fail',
        detail,
        fix:
          'Lightbox renders headless with Cycles. Install an official Blender build from blender.org (some distribution ' +
          'packages leave parts of Cycles out) and set its path in Settings, then run the checks again.',
      };
    case 'BLENDER_EEVEE':
      return {
        ...base,
        status: 'warn',
        detail,
        fix:
          'Eevee needs an OpenGL context (a GPU driver, a display or EGL); headless renders use Cycles. To use Eevee, ' +
          'run Lightbox on a machine with working GPU drivers (on Linux, Mesa with EGL).',
      };
    case 'BLENDER_WORKBENCH':
      return {
        ...base,
        status: 'warn',
        detail,
        fix:
          'Workbench needs an OpenGL context like Eevee; quick previews will render with Cycles instead. Install GPU ' +
          'drivers (on Linux, Mesa with EGL) to enable it.',
      };
  }
}

function notTestedCheck(engine: BlenderEngine): PreflightCheck {
  return {
    id: engineCheckId(engine),
    title: engineTitle(engine),
    // Without Blender nothing renders; only Cycles is essential, so only its check fails.
    status: engine === 'CYCLES' ? 'fail' : 'warn',
    detail: `Not tested: Blender is not usable.`,
    fix: 'Fix the Blender check first, then run the checks again.',
  };
}

/** Runs `tasks` with at most `limit` in flight, keeping results in order. */
async function mapLimited<T, R>(items: readonly T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** A folder for probe output inside the data dir; the system temp dir if the data dir refuses. */
async function makeProbeDir(dataDir: string): Promise<string> {
  const prefix = `preflight-${crypto.randomBytes(4).toString('hex')}-`;
  try {
    const tmp = path.join(dataDir, 'tmp');
    await fs.promises.mkdir(tmp, { recursive: true });
    return await fs.promises.mkdtemp(path.join(tmp, prefix));
  } catch {
    // The data-dir check reports that problem; it must not also look like an engine failure.
    return fs.promises.mkdtemp(path.join(os.tmpdir(), `lightbox-${prefix}`));
  }
}

export interface CheckBlenderInput {
  dataDir: string;
  setting: string | null;
  /** The caller's environment; Blender gets blenderEnvironment(env, blenderEnv) of it. */
  env: NodeJS.ProcessEnv;
  /** Extra variables for Blender (Settings → blenderEnv). */
  blenderEnv?: Record<string, string>;
  versionTimeoutMs?: number;
  engineTimeoutMs?: number;
  /** Engine probes running at once; each is a whole Blender, so keep it small. */
  engineConcurrency?: number;
  scriptPath?: string;
  onCheck?: (check: PreflightCheck) => void;
}

export interface CheckBlenderResult {
  blender: PreflightReport['blender'];
  /** 'blender' first, then Blender's Python, then one check per engine in PROBED_ENGINES order, then the denoiser. */
  checks: PreflightCheck[];
}

export async function checkBlender(input: CheckBlenderInput): Promise<CheckBlenderResult> {
  const emit = input.onCheck ?? (() => {});
  const title = 'Blender';
  const unusable = (blender: PreflightReport['blender'], check: PreflightCheck): CheckBlenderResult => {
    emit(check);
    const python: PreflightCheck = { id: PYTHON_CHECK_ID, title: PYTHON_TITLE, status: 'fail', detail: 'Not tested: Blender is not usable.', fix: 'Fix the Blender check first, then run the checks again.' };
    const engineChecks = [python, ...PROBED_ENGINES.map(notTestedCheck), denoiserCheck(undefined)];
    engineChecks.forEach(emit);
    return { blender: { ...blender, python: null }, checks: [check, ...engineChecks] };
  };

  const found = await findTool('blender', input.setting, input.env);
  if (!found.found) {
    return unusable(
      { path: found.path, source: found.source, version: null, engines: [] },
      { id: 'blender', title, status: 'fail', detail: found.problem, fix: found.fix },
    );
  }

  const version = await blenderVersion(found.path, input.versionTimeoutMs ?? 20_000, input.env, input.blenderEnv);
  if (!version.ok) {
    return unusable(
      { path: found.path, source: found.source, version: null, engines: [] },
      {
        id: 'blender',
        title,
        status: 'fail',
        detail: `${version.error} (${sourceText(found.source)}).`,
        fix: 'Point the Blender path in Settings (or BLENDER_PATH) at a Blender executable, or install Blender from blender.org.',
      },
    );
  }

  const where = `Blender ${version.version} at ${found.path} (${sourceText(found.source)})`;
  const blenderCheck: PreflightCheck =
    version.major < 3
      ? {
          id: 'blender',
          title,
          status: 'warn',
          detail: `${where} is older than Lightbox supports (3.x and 4.x).`,
          fix: 'Install Blender 3.6 LTS or newer from blender.org and set its path in Settings.',
        }
      : { id: 'blender', title, status: 'ok', detail: `${where}.` };
  emit(blenderCheck);

  const probeDir = await makeProbeDir(input.dataDir);
  let probes: ProbeEngineResult[];
  let python: ProbePythonResult;
  try {
    // Python first, in the same slots as the engines: it is quick and says why renders would fail.
    const tasks: ('python' | BlenderEngine)[] = ['python', ...PROBED_ENGINES];
    const done = await mapLimited(tasks, input.engineConcurrency ?? 2, async (task) => {
      if (task === 'python') {
        const probe = await probePython({ binary: found.path, outDir: probeDir, timeoutMs: input.engineTimeoutMs ?? 60_000, env: input.env, blenderEnv: input.blenderEnv });
        emit(probe.check);
        return probe;
      }
      const probe = await probeEngine({
        binary: found.path,
        engine: task,
        outDir: probeDir,
        timeoutMs: input.engineTimeoutMs ?? 60_000,
        env: input.env,
        blenderEnv: input.blenderEnv,
        scriptPath: input.scriptPath,
      });
      emit(engineCheck(probe));
      return probe;
    });
    python = done[0] as ProbePythonResult;
    probes = done.slice(1) as ProbeEngineResult[];
  } finally {
    await fs.promises.rm(probeDir, { recursive: true, force: true }).catch(() => {});
  }

  const engines: EngineProbe[] = probes.map(({ engine, renders, detail, durationMs }) => ({ engine, renders, detail, durationMs }));
  const cycles = probes.find((p) => p.engine === 'CYCLES');
  const denoiser = denoiserCheck(cycles?.renders ? cycles.denoiser : undefined);
  emit(denoiser);
  return {
    blender: { path: found.path, source: found.source, version: version.version, engines, python: python.python },
    checks: [blenderCheck, python.check, ...engines.map(engineCheck), denoiser],
  };
}
