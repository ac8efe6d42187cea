/** Mantine's light alert titles are its colour's mid shade, under 4.5:1 on the tinted background: the text colour reads in both schemes. */
export const READABLE_ALERT = { title: { color: 'var(--text)' } } as const;
