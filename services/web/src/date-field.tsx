// A date chosen from a calendar (Mantine's date picker), kept as the API's YYYY-MM-DD. The picker
// loads with the first date field shown (search filters, reports, the audit log), not with the app.
import { Suspense, lazy } from 'react';

const DatePickerInput = lazy(() => import('./date-picker'));

interface Props {
  label: string;
  /** YYYY-MM-DD, or '' for none. */
  value: string;
  onChange: (value: string) => void;
  min?: string;
  max?: string;
  /** Whether the date may be left empty (a filter); a range's ends may not. */
  clearable?: boolean;
  className?: string;
}

export function DateField({ label, value, onChange, min, max, clearable = false, className }: Props) {
  return (
    <Suspense fallback={<span className={className}>{label}</span>}>
      <DatePickerInput
      className={className}
      label={label}
      size="xs"
      value={value || null}
      onChange={(next) => (next || clearable) && onChange((next as string | null) ?? '')}
      minDate={min || undefined}
      maxDate={max || undefined}
      valueFormat="D MMM YYYY"
      placeholder="Any day"
      clearable={clearable}
      popoverProps={{ withinPortal: true }}
      />
    </Suspense>
  );
}
