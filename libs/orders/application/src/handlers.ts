// The orders service's use cases, one file each (use-cases/), and the list Nest registers.
import { CancelOrderHandler } from './use-cases/cancel-order';
import { CreateOrderHandler } from './use-cases/create-order';
import { GetOrderHandler } from './use-cases/get-order';
import { ListOrdersHandler } from './use-cases/list-orders';
import { OrderHistoryHandler, OrderRecordsHandler } from './use-cases/order-history';
import { UpdateOrderHandler } from './use-cases/update-order';

export { CancelOrderHandler, CreateOrderHandler, GetOrderHandler, ListOrdersHandler, OrderHistoryHandler, OrderRecordsHandler, UpdateOrderHandler };

export const ORDER_HANDLERS = [CreateOrderHandler, UpdateOrderHandler, CancelOrderHandler, GetOrderHandler, ListOrdersHandler, OrderHistoryHandler, OrderRecordsHandler];
