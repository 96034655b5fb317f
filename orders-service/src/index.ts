export { generateOrder, type Catalogue } from './order-generator.js';
export { RatePacer } from './rate-pacer.js';
export { OrderPublisher, KafkaUnavailableError } from './order-publisher.js';
export { createOrdersHttpApp } from './http-app.js';
export { ordersServiceEnvSchema, type OrdersServiceConfig } from './config.js';
