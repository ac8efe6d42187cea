import type { ReactNode } from 'react';
import { Modal as MantineModal } from '@mantine/core';

/**
 * A modal dialog driven by `open`; Escape, the close button or a click outside call onClose.
 * Mantine traps focus inside and gives it back to the opener on close.
 */
export function Modal({ open, onClose, title, children, className, size }: {
  open: boolean;
  onClose: () => void;
  title: string;
  children: ReactNode;
  className?: string;
  size?: string | number;
}) {
  return (
    <MantineModal
      opened={open}
      onClose={onClose}
      title={title}
      className={className}
      size={size ?? 'lg'}
      // Every dialog of the app ends in its own Close or Cancel button; a second one in the header
      // would be a duplicate tab stop with the same name.
      withCloseButton={false}
      styles={{ title: { fontWeight: 600, fontSize: 15 } }}
    >
      {children}
    </MantineModal>
  );
}
