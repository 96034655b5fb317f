// The public API of orders-service, for tests, benches and drills.
export { generateOrderRequest, type Catalogue } from './order-generator.js';
export { RatePacer } from './rate-pacer.js';
export { OrderPublisher, KafkaUnavailableError, OrderSendFailedError } from './order-publisher.js';
export { BrokerWatch } from './broker-watch.js';
export { priceOrder, OrderPricer } from './pricing.js';
export { createOrdersHttpApp } from './http-app.js';
export { ordersServiceEnvSchema, type OrdersServiceConfig } from './config.js';
export { loadProducts, type CatalogueProduct } from './catalogue.js';
export { DEFAULT_DAILY_CURVE, TrafficModel } from './traffic-model.js';
