import { Anchor, Button, Group, List, Paper, Text, ThemeIcon, Title } from '@mantine/core';
import { Link } from 'react-router';
import { usePreflight } from '../../app/services';
import { useFirstRunDismissed, useFirstRunSteps, type FirstRunStep } from './first-run';

function StepMark({ done }: { done: boolean }) {
  return (
    <ThemeIcon size={18} radius="xl" color={done ? 'green.8' : 'gray.6'} variant={done ? 'filled' : 'outline'} aria-hidden="true">
      <Text span size="xs" fw={700} c={done ? 'white' : 'var(--muted)'}>
        {done ? '✓' : ''}
      </Text>
    </ThemeIcon>
  );
}

function StepItem({ step, index }: { step: FirstRunStep; index: number }) {
  return (
    <List.Item icon={<StepMark done={step.done} />} aria-label={`Step ${index + 1}: ${step.title}, ${step.done ? 'done' : 'not done'}`}>
      <Group gap="xs" wrap="nowrap">
        <Text span fw={step.done ? 400 : 600} td={step.done ? 'line-through' : undefined} c={step.done ? 'dimmed' : undefined}>
          {index + 1}. {step.title}
        </Text>
        <Text span c="dimmed" aria-hidden="true">
          ·
        </Text>
        <Anchor component={Link} to={step.to} c="var(--link)" underline="always">
          {step.where}
        </Anchor>
        <Text span size="sm" c={step.done ? 'var(--ok)' : 'dimmed'}>
          {step.done ? 'Done' : 'Not done'}
        </Text>
      </Group>
    </List.Item>
  );
}

/**
 * The first-run checklist (issue 15 item 7): import CAD → import legacy presets → create an order →
 * dispatch → review a comparison, each ticked from real data, each linking to where it is done.
 * Shown on the Preflight page once preflight passed; dismissing it (remembered) also takes it out of
 * the sidebar, and the page then offers to show it again.
 */
export function FirstRunChecklist() {
  const passed = usePreflight((s) => s.report?.ok === true);
  const [dismissed, setDismissed] = useFirstRunDismissed();
  const steps = useFirstRunSteps(passed);
  if (!passed || !steps) return null;
  if (dismissed) {
    return (
      <Button variant="subtle" size="compact-sm" onClick={() => setDismissed(false)} my="sm">
        Show the getting-started checklist
      </Button>
    );
  }
  const done = steps.filter((s) => s.done).length;
  const headingId = 'first-run-heading';
  return (
    <Paper component="section" aria-labelledby={headingId} withBorder p="md" my="md" maw={760}>
      <Group justify="space-between" align="baseline">
        <Title order={2} id={headingId}>
          Getting started
        </Title>
        <Text span size="sm" c="dimmed" role="status" aria-label="Getting started progress">
          {done} of {steps.length} done
        </Text>
      </Group>
      <Text size="sm" c="dimmed" mb="sm">
        {done === steps.length
          ? 'Every first step is done: this machine renders, and a shadow comparison was reviewed.'
          : 'This machine can render. These steps take a first order from a CAD file to a reviewed comparison.'}
      </Text>
      <List spacing={6} listStyleType="none" aria-label="First steps">
        {steps.map((step, i) => (
          <StepItem key={step.id} step={step} index={i} />
        ))}
      </List>
      <Group justify="flex-end" mt="sm">
        <Button variant="default" onClick={() => setDismissed(true)}>
          Dismiss the checklist
        </Button>
      </Group>
    </Paper>
  );
}

/** The sidebar's reminder: "Getting started: 2 of 5 done", until every step is done or the checklist is dismissed. */
export function FirstRunSidebarLink() {
  const passed = usePreflight((s) => s.report?.ok === true);
  const [dismissed] = useFirstRunDismissed();
  const steps = useFirstRunSteps(passed && !dismissed);
  if (!passed || dismissed || !steps) return null;
  const done = steps.filter((s) => s.done).length;
  if (done === steps.length) return null;
  return (
    <div className="first-run-link">
      <Anchor component={Link} to="/preflight" size="sm" c="var(--link)">
        Getting started: {done} of {steps.length} done
      </Anchor>
    </div>
  );
}
