import { RequestCommand, RequestQuery } from '@datamingle/application';

export class CreateOrderCommand extends RequestCommand {}
export class UpdateOrderCommand extends RequestCommand {}
export class CancelOrderCommand extends RequestCommand {}
export class GetOrderQuery extends RequestQuery {}
export class ListOrdersQuery extends RequestQuery {}
export class OrderHistoryQuery extends RequestQuery {}
export class OrderRecordsQuery extends RequestQuery {}
