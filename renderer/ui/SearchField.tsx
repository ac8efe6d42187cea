import { useEffect, useRef, useState } from 'react';
import { TextInput } from '@mantine/core';

/** How long typing pauses before the search runs. */
const SEARCH_PAUSE_MS = 250;

/**
 * The search box of a list page: what is typed reaches the address (and the list) once typing
 * pauses. `description` says what the list's search reads (the backend's searched fields).
 */
export function SearchField({ value, onChange, description }: { value: string; onChange: (value: string) => void; description: string }) {
  const [text, setText] = useState(value);
  const typed = useRef(false);
  const report = useRef(onChange);
  report.current = onChange;
  // The address changed elsewhere (Clear filters, back): the box follows.
  useEffect(() => {
    if (!typed.current) setText(value);
  }, [value]);
  useEffect(() => {
    if (!typed.current) return;
    const timer = setTimeout(() => {
      typed.current = false;
      report.current(text);
    }, SEARCH_PAUSE_MS);
    return () => clearTimeout(timer);
  }, [text]);
  return (
    <TextInput
      type="search"
      label="Search"
      description={description}
      maxLength={200}
      value={text}
      onChange={(e) => {
        typed.current = true;
        setText(e.currentTarget.value);
      }}
      miw={240}
    />
  );
}
