import { Code, Group, Text } from '@mantine/core';
import { useAppInfo, useServices } from '../app/services';

/** Which backend this window talks to, so a headless tab and the desktop app are never confused. */
export function StatusFooter() {
  const { client } = useServices();
  const info = useAppInfo((s) => s.info);
  const error = useAppInfo((s) => s.error);
  const transport = client.transport === 'ipc' ? 'Electron IPC' : 'Headless host (WebSocket)';
  return (
    <Group component="footer" className="statusbar" gap="lg" wrap="nowrap" px="sm" py={4}>
      <Text size="sm" span>
        <Text span c="dimmed" inherit>
          Transport:
        </Text>{' '}
        {transport}
      </Text>
      <Text size="sm" span>
        <Text span c="dimmed" inherit>
          Version:
        </Text>{' '}
        {info ? `Lightbox ${info.version}` : '…'}
      </Text>
      {/* The path may be long: it is cut with an ellipsis and shown whole on hover. */}
      <Text size="sm" span truncate="end" title={info?.dataDir}>
        <Text span c="dimmed" inherit>
          Data directory:
        </Text>{' '}
        {info ? <Code>{info.dataDir}</Code> : error ? `unknown (${error})` : '…'}
      </Text>
    </Group>
  );
}
