/** Where a sweep's rows go, one serialized row at a time, in point order. */
export interface RowSink {
  write(line: string): void;
  /** Make the output complete and visible (a file appears under its name only now). */
  close(): void;
  /** Drop a partial output (the run failed). */
  abort(): void;
}
