/**
 * A store's re-read (a first page, counts) run one round at a time: a call while a round runs asks
 * for one more round after it, not one per call; a round may ask for another itself (answering
 * true), say when what it read was started over meanwhile. Every caller gets the running rounds.
 */
export function oneRoundAtATime(round: () => Promise<boolean | void>): () => Promise<void> {
  let running: Promise<void> | null = null;
  let again = false;
  return () => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      try {
        do {
          again = false;
          if ((await round()) === true) again = true;
        } while (again);
      } finally {
        running = null;
      }
    })();
    return running;
  };
}
