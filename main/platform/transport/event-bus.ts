import { events, type EventName, type EventPayload } from '../../../shared/contract';

export type AnyEventListener = (event: EventName, payload: unknown) => void;

/** Backend-side event hub; each transport subscribes once and forwards to its clients. */
export class EventBus {
  private readonly listeners = new Set<AnyEventListener>();

  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    // Validate here so a service bug surfaces at the source, not in a UI.
    const parsed = events[event].payload.parse(payload);
    for (const listener of [...this.listeners]) {
      try {
        listener(event, parsed);
      } catch {
        // One broken subscriber (a closed socket) must not starve the others.
      }
    }
  }

  /** How many transports listen (0 in the CLI: nobody would see a desktop notification). */
  get subscriberCount(): number {
    return this.listeners.size;
  }

  subscribe(listener: AnyEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
