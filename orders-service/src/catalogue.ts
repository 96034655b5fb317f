// Reads the catalogue from MariaDB: the connection pool, the product and customer queries, and
// readable connection errors.
import mysql from 'mysql2/promise';
import type { Pool, RowDataPacket } from 'mysql2/promise';
import type { OrdersServiceConfig } from './config.js';

export interface CatalogueProduct {
  id: string;
  price: number;
  /** The product's category (the simulator's time-of-day mix); absent for products built in tests. */
  category?: string;
}

export interface Customer {
  id: number;
  lat: number;
  lon: number;
}

export function createCataloguePool(cfg: OrdersServiceConfig): Pool {
  return mysql.createPool({
    host: cfg.MYSQL_HOST,
    port: cfg.MYSQL_PORT,
    user: cfg.MYSQL_USER,
    password: cfg.MYSQL_PASSWORD,
    database: cfg.MYSQL_DATABASE,
    connectionLimit: 2,
    decimalNumbers: true,
    connectTimeout: 5000,
  });
}

/** Explains a MariaDB failure with where we tried to connect and what to check. */
export function describeDatabaseError(err: unknown, cfg: OrdersServiceConfig): string {
  const message = err instanceof Error ? err.message : String(err);
  return `MariaDB at ${cfg.MYSQL_HOST}:${cfg.MYSQL_PORT} (db ${cfg.MYSQL_DATABASE}, user ${cfg.MYSQL_USER}): ${message}. Is the stack up (npm run stack:status) and are MYSQL_* set right?`;
}

export async function loadProducts(pool: Pool): Promise<CatalogueProduct[]> {
  const [rows] = await pool.query<RowDataPacket[]>('SELECT id, price, category FROM products ORDER BY id');
  return rows.map((r) => ({ id: String(r.id), price: Number(r.price), category: String(r.category) }));
}

export async function loadCustomers(pool: Pool): Promise<Customer[]> {
  const [rows] = await pool.query<RowDataPacket[]>('SELECT id, lat, lon FROM users ORDER BY id');
  return rows.map((r) => ({ id: Number(r.id), lat: Number(r.lat), lon: Number(r.lon) }));
}
