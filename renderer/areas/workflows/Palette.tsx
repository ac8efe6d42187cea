import { forwardRef, memo, useId, useMemo, useState, type KeyboardEvent } from 'react';
import { Stack, Text, TextInput, Title, UnstyledButton } from '@mantine/core';
import type { NodeDefinition } from '../../../shared/nodes/definition';
import type { Family } from '../../../shared/workflow/document';
import { PALETTE_MIME } from './Canvas';
import { humanize } from './schema-form';

interface PaletteProps {
  defs: NodeDefinition[];
  family: Family;
  onAdd: (def: NodeDefinition) => void;
}

/** Node types of the workflow's family from nodes.list, by category; drag one onto the canvas or press Enter. */
// Memoized: the editor draws again on every edit, and the palette's many buttons need not follow.
export const Palette = memo(
  forwardRef<HTMLInputElement, PaletteProps>(function Palette({ defs, family, onAdd }, searchRef) {
  const [query, setQuery] = useState('');
  const headingId = useId();
  const own = useMemo(() => defs.filter((d) => d.families.includes(family)), [defs, family]);
  const q = query.trim().toLowerCase();
  const shown = own.filter((d) => !q || d.title.toLowerCase().includes(q) || d.type.includes(q) || d.description.toLowerCase().includes(q) || d.category.includes(q));
  const categories = [...new Set(own.map((d) => d.category))];

  const onSearchKey = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Enter') {
      const first = shown.find((d) => d.executable);
      if (first) {
        e.preventDefault();
        onAdd(first);
      }
    } else if (e.key === 'ArrowDown') {
      e.preventDefault();
      (e.currentTarget.closest('.wf-palette')?.querySelector('.wf-palette-item:not([aria-disabled="true"])') as HTMLElement | null)?.focus();
    } else if (e.key === 'Escape') {
      setQuery('');
    }
  };

  const onItemKey = (e: KeyboardEvent<HTMLButtonElement>) => {
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
    e.preventDefault();
    const items = [...(e.currentTarget.closest('.wf-palette')?.querySelectorAll<HTMLElement>('.wf-palette-item') ?? [])];
    const at = items.indexOf(e.currentTarget);
    items[at + (e.key === 'ArrowDown' ? 1 : -1)]?.focus();
  };

  return (
    <Stack component="section" gap={6} className="wf-palette" aria-labelledby={headingId}>
      <Title order={2} id={headingId}>
        Node palette
      </Title>
      <TextInput
        ref={searchRef}
        id={`${headingId}-search`}
        type="search"
        aria-label="Search node types"
        placeholder="Search nodes ( / )"
        description={`Drag a node onto the canvas, or press Enter to add it where there is room. Only ${family} node types are listed.`}
        inputWrapperOrder={['input', 'description']}
        value={query}
        onChange={(e) => setQuery(e.currentTarget.value)}
        onKeyDown={onSearchKey}
      />
      {shown.length === 0 && (
        <Text size="sm" c="dimmed">
          No node type matches “{query}”.
        </Text>
      )}
      {categories.map((cat) => {
        const items = shown.filter((d) => d.category === cat);
        if (items.length === 0) return null;
        return (
          <div key={cat}>
            <Title order={3} className="wf-palette-category">
              {cat.length <= 3 ? cat.toUpperCase() : humanize(cat)}
            </Title>
            <ul className="plain-list">
              {items.map((d) => {
                const reasonId = `${headingId}-${d.type}-reason`;
                return (
                  <li key={d.type}>
                    {/* A card-like button (title over type), not a Mantine Button: those are one line high. */}
                    <UnstyledButton
                      className="wf-palette-item"
                      draggable={d.executable}
                      aria-disabled={!d.executable}
                      aria-label={`Add ${d.title}`}
                      aria-describedby={reasonId}
                      title={d.description}
                      onDragStart={(e) => {
                        e.dataTransfer.setData(PALETTE_MIME, d.type);
                        e.dataTransfer.effectAllowed = 'copy';
                      }}
                      onKeyDown={onItemKey}
                      onClick={() => d.executable && onAdd(d)}
                    >
                      <Text span size="sm" fw={500}>
                        {d.title}
                      </Text>
                      <Text span size="xs" c="dimmed" ff="monospace">
                        {d.type}
                      </Text>
                    </UnstyledButton>
                    <Text id={reasonId} size="xs" className={d.executable ? 'visually-hidden' : undefined} c={d.executable ? undefined : 'var(--warn)'}>
                      {d.executable ? d.description : `Cannot run yet: ${d.disabledReason ?? 'no executor'}`}
                    </Text>
                  </li>
                );
              })}
            </ul>
          </div>
        );
      })}
    </Stack>
  );
}),
);
