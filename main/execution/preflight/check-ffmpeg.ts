import type { PreflightCheck, PreflightReport } from '../../../shared/preflight/report';
import { runProcess, type RunProcessResult } from '../../../workers/blender/run-process';
import { findTool } from '../../platform/tools/find-executable';

/** Encoders turntable videos use: H.264 (MP4) and VP9 (WebM). */
export const REQUIRED_ENCODERS = { h264: 'libx264', vp9: 'libvpx-vp9' } as const;

const INSTALL_FIX = 'Install ffmpeg (apt-get install ffmpeg) or set the ffmpeg path in Settings.';

/** "5.1.9-0+deb12u1" from "ffmpeg version 5.1.9-0+deb12u1 Copyright ..."; null when it is not ffmpeg. */
export function parseFfmpegVersion(output: string): string | null {
  const match = /^ffmpeg version (\S+)/m.exec(output);
  return match ? match[1]! : null;
}

/** Encoder names from `ffmpeg -encoders`: lines like " V....D libx264   libx264 H.264 ...". */
export function parseFfmpegEncoders(output: string): Set<string> {
  const names = new Set<string>();
  for (const line of output.split(/\r?\n/)) {
    const match = /^\s*[VAS][A-Z.]{5}\s+(\S+)/.exec(line);
    // The legend at the top ("V..... = Video") also matches the shape; it is not an encoder.
    if (match && match[1] !== '=') names.add(match[1]!);
  }
  return names;
}

export interface CheckFfmpegInput {
  setting: string | null;
  env: NodeJS.ProcessEnv;
  timeoutMs?: number;
}

export interface CheckFfmpegResult {
  ffmpeg: PreflightReport['ffmpeg'];
  check: PreflightCheck;
}

export async function checkFfmpeg(input: CheckFfmpegInput): Promise<CheckFfmpegResult> {
  const title = 'ffmpeg';
  const none = { h264: false, vp9: false };
  const found = await findTool('ffmpeg', input.setting, input.env);
  if (!found.found) {
    return {
      ffmpeg: { path: found.path, source: found.source, version: null, encoders: none },
      check: {
        id: 'ffmpeg',
        title,
        status: 'fail',
        detail: `${found.problem} Turntable videos need ffmpeg.`,
        // Nothing configured: say how to install. A bad configured path: say how to correct it.
        fix: found.source === null ? INSTALL_FIX : found.fix,
      },
    };
  }

  const timeoutMs = input.timeoutMs ?? 15_000;
  const run = async (args: string[]): Promise<RunProcessResult | Error> => {
    try {
      return await runProcess(found.path, args, { timeoutMs, env: input.env, maxOutputBytes: 256 * 1024 });
    } catch (error) {
      return error as Error;
    }
  };
  const [versionRun, encodersRun] = await Promise.all([run(['-hide_banner', '-version']), run(['-hide_banner', '-encoders'])]);

  const version = versionRun instanceof Error ? null : parseFfmpegVersion(`${versionRun.stdout}\n${versionRun.stderr}`);
  if (version === null) {
    const why =
      versionRun instanceof Error
        ? versionRun.message
        : versionRun.timedOut
          ? `${found.path} -version did not finish within ${Math.round(timeoutMs / 1000)} s`
          : `${found.path} is not ffmpeg: its -version printed no ffmpeg version`;
    return {
      ffmpeg: { path: found.path, source: found.source, version: null, encoders: none },
      check: { id: 'ffmpeg', title, status: 'fail', detail: `${why}. Turntable videos need ffmpeg.`, fix: INSTALL_FIX },
    };
  }

  const names = encodersRun instanceof Error ? new Set<string>() : parseFfmpegEncoders(encodersRun.stdout);
  const encoders = { h264: names.has(REQUIRED_ENCODERS.h264), vp9: names.has(REQUIRED_ENCODERS.vp9) };
  const missing = Object.entries(REQUIRED_ENCODERS)
    .filter(([key]) => !encoders[key as keyof typeof encoders])
    .map(([, name]) => name);
  const ffmpeg = { path: found.path, source: found.source, version, encoders };
  const where = `ffmpeg ${version} at ${found.path}`;
  if (missing.length > 0) {
    return {
      ffmpeg,
      check: {
        id: 'ffmpeg',
        title,
        status: 'warn',
        detail: `${where} lacks the ${missing.join(' and ')} encoder${missing.length > 1 ? 's' : ''}; turntables in ${missing.length > 1 ? 'those formats' : 'that format'} cannot be made.`,
        fix: 'Install an ffmpeg build with libx264 and libvpx (the Debian/Ubuntu ffmpeg package has both), or set the ffmpeg path in Settings to one.',
      },
    };
  }
  return { ffmpeg, check: { id: 'ffmpeg', title, status: 'ok', detail: `${where}, with libx264 and libvpx-vp9.` } };
}
