import { ReactNode, useId } from 'react';

/** A labelled form control (its label bound by id), with an optional hint read with it. */
export function Field({
  label,
  hint,
  children,
}: {
  label: string;
  hint?: string;
  children: (id: string, describedBy?: string) => ReactNode;
}) {
  const id = useId();
  const hintId = `${id}-aide`;
  return (
    <div className="champ">
      <label htmlFor={id}>{label}</label>
      {hint && (
        <p className="aide" id={hintId}>
          {hint}
        </p>
      )}
      {children(id, hint ? hintId : undefined)}
    </div>
  );
}
