import { SegmentedControl, Stack, Text, Title, useMantineColorScheme, type MantineColorScheme } from '@mantine/core';

const CHOICES: { value: MantineColorScheme; label: string }[] = [
  { value: 'auto', label: 'System' },
  { value: 'light', label: 'Light' },
  { value: 'dark', label: 'Dark' },
];

/**
 * Light, dark, or whatever the OS says (the default). It applies at once and is kept by Mantine in
 * this browser profile (localStorage), not in the backend's settings: two windows on one host may
 * well want different ones.
 */
export function AppearanceSection() {
  const { colorScheme, setColorScheme } = useMantineColorScheme();
  return (
    <Stack component="section" aria-labelledby="appearance-heading" gap={6} mb="lg">
      <Title order={2} id="appearance-heading">
        Appearance
      </Title>
      <SegmentedControl
        aria-label="Colour scheme"
        w={300}
        data={CHOICES}
        value={colorScheme}
        onChange={(value) => setColorScheme(value as MantineColorScheme)}
      />
      <Text size="sm" c="dimmed">
        System follows the operating system&apos;s light or dark setting.
      </Text>
    </Stack>
  );
}
