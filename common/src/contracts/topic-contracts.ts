// The contract of every topic a service of ours produces: which zod schema its values follow. The
// schema registry, the producers' start-up check and the API's OpenAPI document all read this list.
import type { z } from 'zod';
import type { InfraConfig } from '../config.js';
import { alertSchema } from './alert.js';
import { deadLetterSchema } from './dead-letter.js';
import { enrichedOrderItemSchema } from './enriched-order-item.js';
import { orderSchema } from './order.js';
import { deliveryStatusSchema, orderStatusSchema } from './order-status.js';

export interface TopicContract {
  /** The contract's name: its JSON Schema title and its OpenAPI component. */
  name: string;
  /** The config key holding the topic's name (topics are configurable, e.g. a bench's private copy). */
  topicKey: keyof InfraConfig;
  schema: z.ZodType;
}

/** One line per topic; a new topic's producer adds its line here. */
export const TOPIC_CONTRACTS = [
  { name: 'Order', topicKey: 'ORDERS_TOPIC', schema: orderSchema },
  { name: 'EnrichedOrderItem', topicKey: 'ENRICHED_ORDER_ITEMS_TOPIC', schema: enrichedOrderItemSchema },
  { name: 'DeadLetter', topicKey: 'DEAD_LETTER_TOPIC', schema: deadLetterSchema },
  { name: 'OrderStatus', topicKey: 'ORDER_STATUSES_TOPIC', schema: orderStatusSchema },
  { name: 'DeliveryStatus', topicKey: 'DELIVERY_STATUSES_TOPIC', schema: deliveryStatusSchema },
  { name: 'Alert', topicKey: 'ALERTS_TOPIC', schema: alertSchema },
] as const satisfies readonly TopicContract[];

export type ContractName = (typeof TOPIC_CONTRACTS)[number]['name'];

/** The contract named `name` (a typo is a compile error). */
export function topicContract(name: ContractName): TopicContract {
  return TOPIC_CONTRACTS.find((c) => c.name === name)!;
}
