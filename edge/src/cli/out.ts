/** Where commands write: stdout and stderr in production, arrays in tests. */
export interface Out {
  line (s: string): void
  error (s: string): void
}
