import { type Ref, ref } from 'vue';

/** A call the page waits on: `busy` while it runs, `error` if it failed (shown by ProblemMessage). */
export interface Task {
  busy: Ref<boolean>;
  error: Ref<unknown>;
  /** Runs the call; answers its result, or undefined once `error` holds why it failed. */
  run<T>(call: () => Promise<T>): Promise<T | undefined>;
}

export function useTask(): Task {
  const busy = ref(false);
  const error = ref<unknown>();
  async function run<T>(call: () => Promise<T>): Promise<T | undefined> {
    busy.value = true;
    error.value = undefined;
    try {
      return await call();
    } catch (failure) {
      error.value = failure;
      return undefined;
    } finally {
      busy.value = false;
    }
  }
  return { busy, error, run };
}
