import { events, isEventName, type EventName, type EventPayload } from '../../shared/contract';

type AnyListener = (payload: unknown) => void;

/** Fans backend events out to typed listeners; payloads are checked against the contract first. */
export class EventHub {
  private readonly listeners = new Map<EventName, Set<AnyListener>>();

  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
    let set = this.listeners.get(event);
    if (!set) {
      set = new Set();
      this.listeners.set(event, set);
    }
    const entry = listener as AnyListener;
    set.add(entry);
    return () => {
      set.delete(entry);
    };
  }

  emit(event: string, payload: unknown): void {
    if (!isEventName(event)) return; // a newer backend may push events this UI does not know
    const parsed = events[event].payload.safeParse(payload);
    if (!parsed.success) {
      console.warn(`[lightbox] dropped ${event}: payload outside the contract`, parsed.error.issues);
      return;
    }
    for (const listener of [...(this.listeners.get(event) ?? [])]) {
      try {
        listener(parsed.data);
      } catch (error) {
        // One broken listener must not stop the others from hearing the event.
        console.error(`[lightbox] ${event} listener failed`, error);
      }
    }
  }
}
