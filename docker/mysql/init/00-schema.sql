-- Database and tables for the pizzashop catalogue and customers.
-- Valid on MySQL 8.4 and MariaDB 10.11; safe to run again (IF NOT EXISTS).
-- Prices are whole rupees (INT), so Debezium's JSON events carry them as plain numbers.

CREATE DATABASE IF NOT EXISTS pizzashop DEFAULT CHARACTER SET utf8mb4;

USE pizzashop;

CREATE TABLE IF NOT EXISTS products (
  id          INT          NOT NULL AUTO_INCREMENT,
  name        VARCHAR(100) NOT NULL,
  description VARCHAR(500) NOT NULL,
  category    VARCHAR(50)  NOT NULL,
  price       INT          NOT NULL,
  image       VARCHAR(200) NOT NULL,
  created_at  TIMESTAMP    NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at  TIMESTAMP    NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  PRIMARY KEY (id),
  KEY idx_products_category (category)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

CREATE TABLE IF NOT EXISTS users (
  id         INT           NOT NULL,
  first_name VARCHAR(50)   NOT NULL,
  last_name  VARCHAR(50)   NOT NULL,
  email      VARCHAR(120)  NOT NULL,
  lat        DECIMAL(9, 6) NOT NULL,
  lon        DECIMAL(9, 6) NOT NULL,
  created_at TIMESTAMP     NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (id),
  UNIQUE KEY uq_users_email (email)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;
