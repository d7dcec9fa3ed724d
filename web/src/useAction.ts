import { useCallback, useState } from 'react';

/**
 * A form's submit or a button's action: `busy` while it runs (to disable the button), and the
 * error it ended with, if any, for an ErrorNotice and the fields' own complaints.
 */
export function useAction(): { busy: boolean; error: unknown; run: (work: () => Promise<void>) => Promise<void> } {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const run = useCallback(async (work: () => Promise<void>) => {
    setBusy(true);
    setError(undefined);
    try {
      await work();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, error, run };
}
