import { createRouter, createWebHistory } from 'vue-router';
import AuthCallbackView from './views/AuthCallbackView.vue';
import NotFoundView from './views/NotFoundView.vue';
import OperatorView from './views/OperatorView.vue';
import OrdersView from './views/OrdersView.vue';
import OrderView from './views/OrderView.vue';
import RideView from './views/RideView.vue';
import SearchView from './views/SearchView.vue';

/**
 * The console's pages. None shares a path with an API route (GET /orders is the
 * API's), so the server can tell a page from an API call by path alone.
 */
export const router = createRouter({
  history: createWebHistory(),
  routes: [
    { path: '/', name: 'search', component: SearchView },
    { path: '/ride/:serviceId', name: 'ride', component: RideView },
    { path: '/my-orders', name: 'orders', component: OrdersView },
    { path: '/my-orders/:orderId', name: 'order', component: OrderView },
    { path: '/operator', name: 'operator', component: OperatorView },
    { path: '/auth/callback', name: 'auth-callback', component: AuthCallbackView },
    { path: '/:unknown(.*)*', name: 'not-found', component: NotFoundView },
  ],
});
