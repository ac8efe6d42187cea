import { Alert, Code, Paper, Text, Title } from '@mantine/core';

/** Full-window screens shown instead of the app when there is no usable backend. */

export function NeedsLinkScreen() {
  return (
    <Paper component="main" withBorder p="xl" maw={560} mx="auto" mt="12vh">
      <Title order={1}>Lightbox</Title>
      <Text size="lg" my="sm">
        This page needs the link printed by <Code>lightbox serve</Code> (it carries the access token).
      </Text>
      <Text c="dimmed">
        Start the host with <Code>lightbox serve</Code> and open the address it prints, which looks like{' '}
        <Code>http://127.0.0.1:PORT/?token=…</Code>. The token changes at every start.
      </Text>
    </Paper>
  );
}

export function TokenRefusedScreen() {
  return (
    <Paper component="main" withBorder p="xl" maw={560} mx="auto" mt="12vh">
      <Title order={1}>Lightbox</Title>
      <Alert color="red" variant="light" my="sm" role="alert" title="Access token refused">
        The host refused this link&apos;s access token.
      </Alert>
      <Text c="dimmed">
        Each start of <Code>lightbox serve</Code> makes a new token, so a link from an earlier start no longer works. Open the
        link it printed most recently.
      </Text>
    </Paper>
  );
}
