/** The run store refused to open or write (a newer schema, a foreign file, a duplicate id...). */
export class StoreError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreError';
  }
}
