import { ref } from 'vue';
import type { Station } from './api';
import { t } from './i18n';
import { useApi } from './services';

/** The stations of the published timetable, read once per page load (GET /stations may lag by 10 s anyway). */
export const stations = ref<Station[]>([]);
let loading: Promise<Station[]> | undefined;

export function loadStations(): Promise<Station[]> {
  loading ??= useApi()
    .stations()
    .then((list) => (stations.value = list))
    .catch((error: unknown) => {
      loading = undefined;
      throw error;
    });
  return loading;
}

/**
 * A station's name in the current language: the console's own translation of a
 * well-known station (messages `station.<code>`), else the name its service gives
 * it, else the bare code.
 */
export function stationName(code: string): string {
  const published = stations.value.find((s) => s.code === code)?.name ?? code;
  return t(`station.${code}`, {}, published);
}
