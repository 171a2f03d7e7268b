import { createApp } from 'vue';
import App from './App.vue';
import { loadConfig } from './config';
import { t } from './i18n';
import { router } from './router';
import { startServices } from './services';

/** Reads /config.json, then mounts; if even that fails the page says so instead of staying blank. */
async function start(): Promise<void> {
  const root = document.getElementById('app');
  try {
    startServices(await loadConfig());
  } catch (error) {
    if (root) {
      root.innerHTML = '';
      const message = document.createElement('p');
      message.className = 'boot-error';
      message.setAttribute('role', 'alert');
      message.textContent = `${t('api.down')} ${t('api.noConfig')} (${error instanceof Error ? error.message : String(error)})`;
      root.append(message);
    }
    return;
  }
  createApp(App).use(router).mount('#app');
}

void start();
