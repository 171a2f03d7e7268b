import { OrderViewStore } from '../views/order-view-store';
import { dynamoDocumentClient } from './clients';
import { loadConfig } from './config';

let views: OrderViewStore | undefined;

/** The order read model, built once per execution environment. */
export function orderViewServices(): OrderViewStore {
  views ??= new OrderViewStore(dynamoDocumentClient(), loadConfig(['ORDER_VIEW_TABLE_NAME']).ORDER_VIEW_TABLE_NAME);
  return views;
}
