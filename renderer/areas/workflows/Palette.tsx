import { forwardRef, useId, useMemo, useState, type KeyboardEvent } from 'react';
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
export const Palette = forwardRef<HTMLInputElement, PaletteProps>(function Palette({ defs, family, onAdd }, searchRef) {
  const [query, setQuery] = useState('');
  const headingId = useId();
  const hintId = useId();
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
    <section className="wf-palette" aria-labelledby={headingId}>
      <h2 id={headingId}>Node palette</h2>
      <label className="visually-hidden" htmlFor={`${headingId}-search`}>
        Search node types
      </label>
      <input
        ref={searchRef}
        id={`${headingId}-search`}
        type="search"
        placeholder="Search nodes ( / )"
        value={query}
        aria-describedby={hintId}
        onChange={(e) => setQuery(e.target.value)}
        onKeyDown={onSearchKey}
      />
      <p id={hintId} className="hint">
        Drag a node onto the canvas, or press Enter to add it at the centre. Only {family} node types are listed.
      </p>
      {shown.length === 0 && <p className="muted">No node type matches “{query}”.</p>}
      {categories.map((cat) => {
        const items = shown.filter((d) => d.category === cat);
        if (items.length === 0) return null;
        return (
          <div key={cat} className="wf-palette-group">
            <h3>{cat.length <= 3 ? cat.toUpperCase() : humanize(cat)}</h3>
            <ul className="plain-list">
              {items.map((d) => {
                const reasonId = `${headingId}-${d.type}-reason`;
                return (
                  <li key={d.type}>
                    <button
                      type="button"
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
                      <span className="wf-palette-title">{d.title}</span>
                      <code className="wf-palette-type">{d.type}</code>
                    </button>
                    <p id={reasonId} className={d.executable ? 'visually-hidden' : 'wf-disabled-reason'}>
                      {d.executable ? d.description : `Cannot run yet: ${d.disabledReason ?? 'no executor'}`}
                    </p>
                  </li>
                );
              })}
            </ul>
          </div>
        );
      })}
    </section>
  );
});
