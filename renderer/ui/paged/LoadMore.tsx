import { Button, Group, Text } from '@mantine/core';

/** What a list read page by page shows under its rows while more wait: how much is shown, and a button for the next page. */
export function LoadMore({ shown, action, loading, onClick }: { shown: string; action: string; loading: boolean; onClick: () => void }) {
  return (
    <Group gap="sm" mt="xs">
      <Text size="sm" c="dimmed" aria-live="polite">
        {shown}
      </Text>
      <Button variant="default" size="xs" loading={loading} onClick={onClick}>
        {action}
      </Button>
    </Group>
  );
}
