import { createTheme, type MantineColorsTuple } from '@mantine/core';

/**
 * The one theme of the app: a dense desktop-tool look (13 px body, small controls) in light and
 * dark. The colour scheme follows the OS unless the user chose one in Settings (Mantine keeps the
 * choice in localStorage).
 */
const lightboxBlue: MantineColorsTuple = [
  '#e8f0ff', '#d0dffb', '#a1bcf2', '#6f97ea', '#4677e3', '#2f6fde', '#2159bb', '#1a4a9d', '#123b80', '#0a2c63',
];

export const theme = createTheme({
  primaryColor: 'lightbox',
  // White text on the filled shade reads at ≥ 4.5:1 in both schemes (6.5:1 light, 4.7:1 dark).
  primaryShade: { light: 6, dark: 5 },
  colors: { lightbox: lightboxBlue },
  fontFamily: "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif",
  fontFamilyMonospace: "ui-monospace, 'SFMono-Regular', Menlo, Consolas, 'Liberation Mono', monospace",
  defaultRadius: 'sm',
  fontSizes: { xs: '11px', sm: '12px', md: '13px', lg: '15px', xl: '17px' },
  headings: {
    fontWeight: '600',
    sizes: {
      h1: { fontSize: '19px', lineHeight: '1.3' },
      h2: { fontSize: '15px', lineHeight: '1.35' },
      h3: { fontSize: '13px', lineHeight: '1.4' },
      h4: { fontSize: '13px', lineHeight: '1.4' },
    },
  },
  // Focus rings only for keyboard users, in an orange that reads on both schemes.
  focusRing: 'auto',
  components: {
    Button: { defaultProps: { size: 'xs' } },
    ActionIcon: { defaultProps: { size: 'sm', variant: 'subtle' } },
    TextInput: { defaultProps: { size: 'xs' } },
    NumberInput: { defaultProps: { size: 'xs' } },
    Select: { defaultProps: { size: 'xs' } },
    NativeSelect: { defaultProps: { size: 'xs' } },
    Textarea: { defaultProps: { size: 'xs' } },
    Checkbox: { defaultProps: { size: 'xs' } },
    Switch: { defaultProps: { size: 'xs' } },
    SegmentedControl: { defaultProps: { size: 'xs' } },
    Tabs: { defaultProps: { keepMounted: false } },
    Table: { defaultProps: { highlightOnHover: true, verticalSpacing: 4, horizontalSpacing: 'sm', fz: 'md' } },
    // Links are underlined: in running text colour alone would not tell them apart (axe link-in-text-block).
    Anchor: { defaultProps: { underline: 'always' } },
    Badge: { defaultProps: { size: 'sm', variant: 'light', radius: 'sm' } },
    Modal: { defaultProps: { centered: true, size: 'lg' } },
    Tooltip: { defaultProps: { openDelay: 300, withArrow: true } },
  },
});
