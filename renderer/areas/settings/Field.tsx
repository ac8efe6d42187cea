import { useId, type ReactNode } from 'react';

export interface ControlProps {
  id: string;
  'aria-describedby': string;
  'aria-invalid': boolean;
}

/**
 * A labelled form row: label, control, the default beside it, a hint and an inline error,
 * all tied to the control so assistive tech reads them with it.
 */
export function Field({
  label,
  defaultText,
  hint,
  error,
  children,
}: {
  label: string;
  defaultText?: ReactNode;
  hint?: ReactNode;
  error?: string | undefined;
  children: (props: ControlProps) => ReactNode;
}) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = [error ? errorId : null, hintId].filter(Boolean).join(' ');
  return (
    <div className={`field${error ? ' field-invalid' : ''}`}>
      <label htmlFor={id}>{label}</label>
      <div className="field-control">
        {children({ id, 'aria-describedby': describedBy, 'aria-invalid': Boolean(error) })}
        {defaultText !== undefined && <span className="field-default">Default: {defaultText}</span>}
      </div>
      <div className="field-notes">
        {error && (
          <p id={errorId} className="field-error">
            {error}
          </p>
        )}
        <p id={hintId} className="hint">
          {hint}
        </p>
      </div>
    </div>
  );
}
