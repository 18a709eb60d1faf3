// Durations as people read them on reports and the wallboard.
/** 95 s → "1 min 35 s", 7300 s → "2 h 1 min". */
export function formatDuration(seconds: number | null): string {
  if (seconds === null) return '—';
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min${seconds % 60 ? ` ${seconds % 60} s` : ''}`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)} h${Math.floor((seconds % 3600) / 60) ? ` ${Math.floor((seconds % 3600) / 60)} min` : ''}`;
  return `${Math.floor(seconds / 86_400)} d${Math.floor((seconds % 86_400) / 3600) ? ` ${Math.floor((seconds % 86_400) / 3600)} h` : ''}`;
}
