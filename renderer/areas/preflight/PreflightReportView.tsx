import { useId } from 'react';
import { Code, SimpleGrid } from '@mantine/core';
import type { PreflightReport } from '../../../shared/preflight/report';
import { Heading, deeper, type HeadingLevel } from '../../ui/Heading';
import { CheckTable } from './CheckTable';
import { ToneBadge, YesNo } from './CheckStatusTag';
import { EngineTable } from './EngineTable';
import { formatBytes, formatDuration, sourceText } from './format';
import { formatTime } from '../../ui/format-time';

/** The full preflight report; reused on the Settings page after a re-check. */
export function PreflightReportView({ report, level = 2 }: { report: PreflightReport; level?: HeadingLevel }) {
  const headingId = useId();
  const sub = deeper(level);
  const { blender, ffmpeg, disk, dataDir } = report;
  return (
    <section aria-labelledby={headingId}>
      <Heading level={level} id={headingId}>
        Preflight report
      </Heading>
      <dl className="facts">
        <dt>Status</dt>
        <dd>
          <ToneBadge size="lg" tone={report.ok ? 'ok' : 'fail'}>
            {report.ok ? 'Ready' : 'Not ready'}
          </ToneBadge>
        </dd>
        <dt>Checked</dt>
        <dd>
          {formatTime(report.startedAt)} (took {formatDuration(report.durationMs)})
        </dd>
      </dl>

      <SimpleGrid cols={{ base: 1, md: 3 }} spacing="lg">
        <div>
          <Heading level={sub}>Blender</Heading>
          <dl className="facts">
            <dt>Version</dt>
            <dd>{blender.version ? `Blender ${blender.version}` : 'not found'}</dd>
            <dt>Path</dt>
            <dd>{blender.path ? <Code>{blender.path}</Code> : 'none'}</dd>
            <dt>Source</dt>
            <dd>{sourceText(blender.source, 'BLENDER_PATH')}</dd>
          </dl>
        </div>
        <div>
          <Heading level={sub}>ffmpeg</Heading>
          <dl className="facts">
            <dt>Version</dt>
            <dd>{ffmpeg.version ?? 'not found'}</dd>
            <dt>Path</dt>
            <dd>{ffmpeg.path ? <Code>{ffmpeg.path}</Code> : 'none'}</dd>
            <dt>Source</dt>
            <dd>{sourceText(ffmpeg.source, 'FFMPEG_PATH')}</dd>
            <dt>H.264 encoder</dt>
            <dd>
              <YesNo value={ffmpeg.encoders.h264} />
            </dd>
            <dt>VP9 encoder</dt>
            <dd>
              <YesNo value={ffmpeg.encoders.vp9} />
            </dd>
          </dl>
        </div>
        <div>
          <Heading level={sub}>Storage</Heading>
          <dl className="facts">
            <dt>Free disk</dt>
            <dd>
              {formatBytes(disk.freeBytes)} free of {formatBytes(disk.totalBytes)}
            </dd>
            <dt>Disk checked at</dt>
            <dd>
              <Code>{disk.path}</Code>
            </dd>
            <dt>Data directory</dt>
            <dd>
              <Code>{dataDir.path}</Code> ({dataDir.writable ? 'writable' : 'not writable'})
            </dd>
          </dl>
        </div>
      </SimpleGrid>

      <Heading level={sub}>Engines</Heading>
      <EngineTable engines={blender.engines} />

      <Heading level={sub}>Checks</Heading>
      <CheckTable checks={report.checks} label="Preflight checks" />
    </section>
  );
}
